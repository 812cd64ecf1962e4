using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>The router as a newcomer starts it: local, stub Bot API, built-in echo agent, nothing else.</summary>
public sealed class StubModeTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Fifty_chats_of_five_messages_get_every_echo_once_and_in_order()
    {
        await using var router = RouterProcess.Start(new Dictionary<string, string> { ["ROUTER_ENV"] = "local" });
        var health = await router.WaitForHealthyAsync();
        Assert.Equal(("ready", "ready", "ready"), (
            health["router"]!["state"]!.GetValue<string>(),
            health["telegram"]!["status"]!.GetValue<string>(),
            health["a2a"]!["status"]!.GetValue<string>()));

        var chats = Traffic.Chats(50);
        await Traffic.PostAsync(chats, 5, async (chat, text) =>
        {
            using var response = await Http.PostAsJsonAsync(new Uri(router.HttpUrl, $"/stub/chats/{chat}/messages"), new { text });
            response.EnsureSuccessStatusCode();
        });

        var replies = new Dictionary<long, List<string>>();
        await Traffic.WaitUntilAsync(
            async () =>
            {
                foreach (var chat in chats)
                {
                    var transcript = await Http.GetFromJsonAsync<JsonObject>(new Uri(router.HttpUrl, $"/stub/chats/{chat}/transcript"));
                    replies[chat] = transcript!["messages"]!.AsArray()
                        .Where(m => m!["from"]!.GetValue<string>() == "bot")
                        .Select(m => m!["text"]!.GetValue<string>())
                        .ToList();
                }

                return replies.Values.Sum(r => r.Count) >= 250;
            },
            TimeSpan.FromSeconds(120),
            () => $"{replies.Values.Sum(r => r.Count)} of 250 replies\n{router.Output}");

        // The echo agent numbers the turns of a conversation: in order, and in one conversation per chat.
        var expected = Enumerable.Range(1, 5).Select(i => $"echo #{i}: {Traffic.Text(i)}").ToList();
        Assert.All(chats, chat => Assert.Equal(expected, replies[chat]));
    }

    [Fact]
    public async Task The_echo_streams_into_a_draft_and_the_reply_arrives_once()
    {
        await using var router = RouterProcess.Start(new Dictionary<string, string> { ["ROUTER_ENV"] = "local" });
        await router.WaitForHealthyAsync();

        using var posted = await Http.PostAsJsonAsync(new Uri(router.HttpUrl, "/stub/chats/42/messages"), new { text = "one two three four five" });
        posted.EnsureSuccessStatusCode();

        JsonObject? transcript = null;
        await Traffic.WaitUntilAsync(
            async () =>
            {
                transcript = await Http.GetFromJsonAsync<JsonObject>(new Uri(router.HttpUrl, "/stub/chats/42/transcript"));
                return transcript!["messages"]!.AsArray().Any(m => m!["from"]!.GetValue<string>() == "bot");
            },
            TimeSpan.FromSeconds(60),
            () => $"no reply\n{router.Output}");

        var bot = transcript!["messages"]!.AsArray().Where(m => m!["from"]!.GetValue<string>() == "bot").ToList();
        Assert.Equal("echo #1: one two three four five", Assert.Single(bot)!["text"]!.GetValue<string>());
        Assert.True(transcript["drafts_shown"]!.GetValue<int>() >= 1, transcript.ToJsonString());
        Assert.Null(transcript["draft"]);
    }
}
