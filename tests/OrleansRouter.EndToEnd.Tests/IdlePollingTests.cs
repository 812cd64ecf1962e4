using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>The poller against a Bot API that answers getUpdates at once, ignoring the long-poll timeout.</summary>
public sealed class IdlePollingTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("router-idle-").FullName;
    private BotApiEmulator _telegram = null!;
    private A2ATestAgent _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _telegram = await BotApiEmulator.StartAsync();
        _agent = await A2ATestAgent.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string> Environment()
    {
        return LiveRouterEnvironment.For(_telegram, _directory, new JsonObject { ["agent_url"] = _agent.BaseUrl.AbsoluteUri });
    }

    /// <summary>Before the pause, about 900 calls a second; after, one every 5 s once the pause has grown (docs/benchmarks.md).</summary>
    [Fact]
    public async Task Against_instant_empty_answers_an_idle_poller_makes_at_most_a_few_calls_a_second_and_still_takes_updates()
    {
        _telegram.IgnoresPollTimeout = true;
        await using var router = RouterProcess.Start(Environment());
        await router.WaitForHealthyAsync();
        await _telegram.WaitUntilAsync(t => t.Polls.Count > 0 && t.Polls[^1].At - t.Polls[0].At >= TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(60), "12 s of polling");

        var polls = _telegram.Polls;
        var from = polls[0].At + TimeSpan.FromSeconds(5);
        var window = polls.Where(p => p.At >= from).ToList();
        var perSecond = window.Count / (polls[^1].At - from).TotalSeconds;
        Assert.True(perSecond < 5, $"{window.Count} getUpdates calls in {(polls[^1].At - from).TotalSeconds:0.0} s while idle ({perSecond:0.0}/s)");

        // The pause is short: a message still comes through within the longest pause.
        var chat = Traffic.Chats(1)[0];
        _telegram.Post(chat, "still there?");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, TimeSpan.FromSeconds(30), "the reply");
        Assert.Equal(["reply: still there?"], _telegram.SentTo(chat).Select(m => m.Text));
    }

    [Fact]
    public async Task A_story_a_game_an_invoice_and_paid_media_get_the_not_supported_reply_and_a_member_joining_gets_none()
    {
        await using var router = RouterProcess.Start(Environment());
        await router.WaitForHealthyAsync();
        var chats = Traffic.Chats(5);
        var channel = new JsonObject { ["id"] = -1001, ["type"] = "channel", ["title"] = "C" };
        var photo = new JsonObject { ["file_id"] = "f", ["file_unique_id"] = "u", ["width"] = 1, ["height"] = 1 };
        _telegram.PostMessage(chats[0], "story", new JsonObject { ["chat"] = channel, ["id"] = 3 });
        _telegram.PostMessage(chats[1], "game", new JsonObject { ["title"] = "g", ["description"] = "d", ["photo"] = new JsonArray(photo) });
        _telegram.PostMessage(chats[2], "invoice", new JsonObject { ["title"] = "t", ["description"] = "d", ["start_parameter"] = "s", ["currency"] = "XTR", ["total_amount"] = 1 });
        _telegram.PostMessage(chats[3], "paid_media", new JsonObject { ["star_count"] = 5, ["paid_media"] = new JsonArray(new JsonObject { ["type"] = "preview" }) });
        var joined = _telegram.PostMessage(-chats[4], "new_chat_members", new JsonArray(new JsonObject { ["id"] = 9, ["is_bot"] = false, ["first_name"] = "N" }));
        var last = _telegram.Post(chats[0], "and text");

        await _telegram.WaitUntilAsync(t => t.SentTo(chats[0]).Count >= 2 && chats.Take(4).All(c => t.SentTo(c).Count >= 1) && t.ConfirmedAt.ContainsKey(last),
            TimeSpan.FromSeconds(60), "the four notices and the text's reply");

        Assert.All(chats.Take(4), chat => Assert.Equal("I can only pass on text, photos, documents, voice notes, audio and video.", _telegram.SentTo(chat)[0].Text));
        Assert.Equal("reply: and text", _telegram.SentTo(chats[0])[1].Text);
        Assert.True(_telegram.ConfirmedAt.ContainsKey(joined));
        Assert.Empty(_telegram.SentTo(-chats[4]));
        Assert.Equal(["and text"], _agent.Calls.Select(c => c.Text));
    }
}
