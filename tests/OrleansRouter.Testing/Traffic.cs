namespace OrleansRouter.Testing;

/// <summary>The standard load of these tests: many chats, several messages each, with texts that never name the chat.</summary>
public static class Traffic
{
    /// <summary>Chat ids unlikely to appear in a log by chance, so a test can search the logs for them.</summary>
    public static IReadOnlyList<long> Chats(int count) => Enumerable.Range(0, count).Select(i => 987_650_000L + i * 7).ToList();

    public static string Text(int index) => $"message number {index}";

    /// <summary>Posts <paramref name="perChat"/> messages into every chat: one after another within a chat, chats at once.</summary>
    public static Task PostAsync(IReadOnlyList<long> chats, int perChat, Func<long, string, Task> post) =>
        Task.WhenAll(chats.Select(async chat =>
        {
            for (var i = 1; i <= perChat; i++)
            {
                await post(chat, Text(i));
            }
        }));

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s: {what()}");
            }

            await Task.Delay(100);
        }
    }
}
