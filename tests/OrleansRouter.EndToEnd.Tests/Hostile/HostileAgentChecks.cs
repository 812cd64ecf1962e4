using OrleansRouter.Testing;
using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>What must hold for any misbehaving agent; the test classes of the hostile agents run it per misbehaviour.</summary>
internal static class HostileAgentChecks
{
    /// <summary>
    /// What the router may hold more than when warm, after an induced full collection. A 4 MiB reply is 8 MiB as a
    /// string and a few copies while it is read and split; a reply cap keeps far less. Anything kept per part or per
    /// poll of a never-ending task would pass it within a test.
    /// </summary>
    private const long MemoryGrowthBound = 96L * 1024 * 1024;

    /// <summary>A reply cap of 16-32 KB, then a notice: a few Telegram messages, never hundreds.</summary>
    private const int MaxDeliveredChars = 64 * 1024;

    private const int MaxDeliveredMessages = 24;

    /// <summary>
    /// Two messages into the chat of the misbehaving persona, one into each of a few chats on the good persona: the
    /// good chats are answered, the router stays up and small, the persona's credential and (for a redirect) the
    /// user's text never reach the other origin, and the user hears back about both messages in bounded time.
    /// </summary>
    public static async Task RunAsync(HostileAgentsRun run, AgentMisbehaviour misbehaviour)
    {
        var chat = HostileAgentsRun.HostileChat(misbehaviour);
        var good = HostileAgentsRun.GoodChats(misbehaviour);
        string[] texts = [$"hostile first ({misbehaviour})", $"hostile second ({misbehaviour})"];
        run.Telegram.Post(chat, texts[0]);
        run.Telegram.Post(chat, texts[1]);
        foreach (var other in good)
        {
            run.Telegram.Post(other, "a good chat meanwhile");
        }

        // Other chats, on a good persona, are answered while the hostile agent does its worst.
        await run.Telegram.WaitUntilAsync(
            t => good.All(c => t.SentTo(c).Any(m => m.Text == "reply: a good chat meanwhile")), TimeSpan.FromSeconds(40), "the replies in the good chats");

        // The user of the hostile persona hears back about both messages: an answer, or the failure notice.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await run.Telegram.WaitUntilAsync(t => Answers(t, chat).Count >= 2, HostileAgentsRun.AnswerDeadline, "an answer or a notice for both messages");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Got {run.Telegram.SentTo(chat).Count} messages, {run.Telegram.SentTo(chat).Sum(m => m.Text.Length)} characters.", e);
        }

        Assert.False(run.Router.HasExited, run.Router.Output);
        var leaked = run.Recorder.Carrying([HostileAgentsRun.Token(misbehaviour)]);
        Assert.True(leaked.Count == 0, $"the credential of the persona reached another origin {leaked.Count} times: {string.Join(", ", leaked.Select(r => $"{r.Method} {r.Path}"))}");
        if (misbehaviour == AgentMisbehaviour.RedirectsElsewhere)
        {
            var followed = run.Recorder.Carrying(texts);
            Assert.True(followed.Count == 0, $"the user's text was sent on to another origin {followed.Count} times");
        }

        var sent = run.Telegram.SentTo(chat);
        Assert.True(
            sent.Count <= MaxDeliveredMessages && sent.Sum(m => m.Text.Length) <= MaxDeliveredChars,
            $"{sent.Count} messages, {sent.Sum(m => m.Text.Length)} characters went to the chat");
        Assert.True(clock.Elapsed < HostileAgentsRun.AnswerDeadline);
        await AssertHealthyEnoughAsync(run);
        var settled = await ResidentMemory.SettledAsync(run.Router);
        Assert.True(
            settled <= run.WarmBaseline + MemoryGrowthBound,
            $"resident memory settled at {ResidentMemory.Mib(settled)}, warm baseline {ResidentMemory.Mib(run.WarmBaseline)} (bound +{ResidentMemory.Mib(MemoryGrowthBound)})");
    }

    /// <summary>Alive and answering: /livez 200, /healthz 200 or 503 (a degraded persona is the truth).</summary>
    private static async Task AssertHealthyEnoughAsync(HostileAgentsRun run)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var live = await http.GetAsync(new Uri(run.Router.HttpUrl, "/livez"));
        Assert.True(live.IsSuccessStatusCode, $"/livez answered {(int)live.StatusCode}");
        var (status, _) = await run.Router.HealthAsync();
        Assert.True(status is 200 or 503, $"/healthz answered {status}");
    }

    /// <summary>The messages that answer a hostile chat's message: the agent's answer (its first part) or a notice.</summary>
    private static List<SentMessage> Answers(BotApiEmulator telegram, long chat) =>
        telegram.SentTo(chat)
            .Where(m => m.Text.StartsWith(AgentMisbehaviours.AnswerPrefix + "hostile", StringComparison.Ordinal) || m.Text.StartsWith("Sorry", StringComparison.Ordinal))
            .ToList();
}
