using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// The live transport against servers the router never saw: a Bot API emulator and an A2A agent written in the tests.
/// </summary>
public sealed class LiveModeTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("router-e2e-").FullName;
    private BotApiEmulator _telegram = null!;

    public async ValueTask InitializeAsync() => _telegram = await BotApiEmulator.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string> LiveEnvironment(A2ATestAgent agent, JsonObject? rateWindow = null) => LiveEnvironment(agent.BaseUrl, rateWindow);

    private Dictionary<string, string> LiveEnvironment(Uri agentUrl, JsonObject? rateWindow = null)
    {
        var tester = new JsonObject { ["agent_url"] = agentUrl.AbsoluteUri, ["persona_tag"] = "tst" };
        if (rateWindow is not null)
        {
            tester["rate_window"] = rateWindow;
        }

        return new Dictionary<string, string>(LiveRouterEnvironment.For(_telegram, _directory, tester)) { ["LOG_LEVEL"] = "Debug" };
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task Every_message_of_fifty_chats_gets_one_reply_in_order_and_is_confirmed_only_after_it_was_accepted(string version)
    {
        await using var agent = await A2ATestAgent.StartAsync(version);
        await using var router = RouterProcess.Start(LiveEnvironment(agent));
        await router.WaitForHealthyAsync();

        var chats = Traffic.Chats(50);
        var updates = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        await Traffic.PostAsync(chats, 5, (chat, text) =>
        {
            updates[_telegram.Post(chat, text)] = chat;
            return Task.CompletedTask;
        });
        await _telegram.WaitUntilAsync(t => t.Sent.Count >= 250 && t.ConfirmedAt.Count >= 250, TimeSpan.FromSeconds(120), "250 replies and 250 confirmations");

        var expected = Enumerable.Range(1, 5).Select(i => $"reply: {Traffic.Text(i)}").ToList();
        Assert.All(chats, chat => Assert.Equal(expected, _telegram.SentTo(chat).Select(m => m.Text)));
        Assert.Equal(250, _telegram.Sent.Count);
        Assert.All(agent.Calls, call => Assert.Equal(version == "1.0" ? "SendMessage" : "message/send", call.Method));

        // Each update was confirmed (the next getUpdates offset passed it) no sooner than its grain accepted it.
        var accepted = router.EventsNamed("update.accepted").ToDictionary(
            e => e["update_id"]!.GetValue<long>(),
            e => DateTimeOffset.Parse(e["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(updates.Keys.Order(), accepted.Keys.Order());
        Assert.All(updates.Keys, update => Assert.True(
            _telegram.ConfirmedAt[update] >= accepted[update],
            $"update {update} was confirmed at {_telegram.ConfirmedAt[update]:O}, before it was accepted at {accepted[update]:O}"));
    }

    [Fact]
    public async Task The_bot_menu_lists_the_routers_commands_once_it_runs()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        await using var router = RouterProcess.Start(LiveEnvironment(agent));
        await router.WaitForHealthyAsync();

        await _telegram.WaitUntilAsync(t => t.Commands.Count > 0, TimeSpan.FromSeconds(30), "setMyCommands");

        Assert.Equal(["start", "reset", "persona", "cancel"], _telegram.Commands.Select(c => c.Command));
        Assert.All(_telegram.Commands, c => Assert.InRange(c.Description.Length, 1, 256));
        await Traffic.WaitUntilAsync(() => Task.FromResult(router.EventsNamed("telegram.commands_set").Any()), TimeSpan.FromSeconds(30), () => "telegram.commands_set");
    }

    [Fact]
    public async Task A_message_over_the_rate_window_gets_one_reply_and_a_rate_limit_hit_event()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        await using var router = RouterProcess.Start(LiveEnvironment(agent, new JsonObject { ["window"] = "1h", ["max_per_chat"] = 1 }));
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "first");
        _telegram.Post(chat, "second");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 2, TimeSpan.FromSeconds(60), "two replies");

        var replies = _telegram.SentTo(chat).Select(m => m.Text).ToList();
        Assert.Equal("reply: first", replies[0]);
        Assert.Contains("Please try again in", replies[1]);
        Assert.Equal(["first"], agent.Calls.Select(c => c.Text));
        await Traffic.WaitUntilAsync(() => Task.FromResult(router.EventsNamed("rate_limit.hit").Any()), TimeSpan.FromSeconds(30), () => "a rate_limit.hit event");
        var hit = router.EventsNamed("rate_limit.hit").Single();
        Assert.Equal(("tst", "chat"), (hit["persona_tag"]!.GetValue<string>(), hit["scope"]!.GetValue<string>()));
        Assert.NotNull(hit["chat_id_hash"]);
    }

    [Fact]
    public async Task Healthz_is_503_while_an_agent_does_not_answer()
    {
        var agent = await A2ATestAgent.StartAsync();
        var gone = agent.BaseUrl;
        await agent.DisposeAsync();
        await using var router = RouterProcess.Start(LiveEnvironment(gone));

        JsonObject? body = null;
        await Traffic.WaitUntilAsync(
            async () =>
            {
                (var status, body) = await router.HealthAsync();
                return status == 503 && body?["telegram"]?["status"]?.GetValue<string>() == "ready";
            },
            TimeSpan.FromSeconds(90),
            () => $"/healthz 503 with Telegram ready\n{router.Output}");

        Assert.Equal("failed", body!["a2a"]!["status"]!.GetValue<string>());
        Assert.Equal("ready", body["router"]!["state"]!.GetValue<string>());
        using var http = new HttpClient();
        using var live = await http.GetAsync(new Uri(router.HttpUrl, "/livez"));
        Assert.True(live.IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_409_from_getUpdates_backs_off_degrades_Telegram_health_and_recovers_when_it_stops()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        await using var router = RouterProcess.Start(LiveEnvironment(agent));
        await router.WaitForHealthyAsync();
        var conflict = true;
        _telegram.Fault = (method, _) => conflict && method == "getUpdates"
            ? BotApiEmulator.Error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
            : null;

        JsonObject? body = null;
        await Traffic.WaitUntilAsync(
            async () =>
            {
                (var status, body) = await router.HealthAsync();
                return status == 503 && body?["telegram"]?["status"]?.GetValue<string>() == "degraded";
            },
            TimeSpan.FromSeconds(60),
            () => $"Telegram degraded by 409s\n{body}");
        conflict = false;
        _telegram.Post(Traffic.Chats(1)[0], "after the conflict");

        await _telegram.WaitUntilAsync(t => t.SentCount >= 1, TimeSpan.FromSeconds(60), "the reply once polling works again");
        await router.WaitForHealthyAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("409", body!["telegram"]!["detail"]!.GetValue<string>());
        Assert.False(router.HasExited);
    }

    [Fact]
    public async Task Logs_hold_neither_the_bot_token_nor_a_raw_chat_id()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        var environment = LiveEnvironment(agent);

        // Everything a silo can print: Debug lines (message texts), metric snapshots, health ticks.
        environment["LOG_LEVEL"] = "Debug";
        environment["METRICS_EMIT"] = "stdout";
        environment["METRICS_EMIT_SECONDS"] = "1";
        environment["HEALTH_TICK_SECONDS"] = "1";
        await using var router = RouterProcess.Start(environment);
        await router.WaitForHealthyAsync();
        var chats = Traffic.Chats(5);

        await Traffic.PostAsync(chats, 2, (chat, text) => Task.FromResult(_telegram.Post(chat, text)));
        await _telegram.WaitUntilAsync(t => t.Sent.Count >= 10, TimeSpan.FromSeconds(60), "10 replies");
        await Traffic.WaitUntilAsync(
            () => Task.FromResult(router.EventsNamed("health.tick").Any() && router.EventsNamed("metrics.snapshot").Any()),
            TimeSpan.FromSeconds(30),
            () => "a health tick and a metric snapshot");
        router.Terminate();
        await router.WaitForExitAsync(TimeSpan.FromSeconds(40));

        var output = router.Output;
        Assert.Contains("chat_id_hash", output);
        Assert.Contains("\"event\":\"chat.text\"", output);
        Assert.Contains("\"event\":\"metrics.snapshot\"", output);
        Assert.Contains("\"event\":\"health.tick\"", output);
        Assert.DoesNotContain(_telegram.Token.Split(':')[1], output);
        Assert.All(chats, chat => Assert.DoesNotContain(chat.ToString(System.Globalization.CultureInfo.InvariantCulture), output));
    }

    [Fact]
    public async Task A_router_killed_mid_run_gets_every_unconfirmed_update_again_after_a_restart()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        agent.Answer = call => new AgentAnswer.Slow(TimeSpan.FromMilliseconds(100), new AgentAnswer.Result(agent.MessageResult($"reply: {call.Text}", "c")));
        var environment = LiveEnvironment(agent);
        var texts = new System.Collections.Concurrent.ConcurrentDictionary<long, (long Chat, string Text)>();
        var chats = Traffic.Chats(10);

        void Post(long chat, string text) => texts[_telegram.Post(chat, text)] = (chat, text);

        await using (var first = RouterProcess.Start(environment))
        {
            await first.WaitForHealthyAsync();
            var posting = Traffic.PostAsync(chats, 10, async (chat, text) =>
            {
                Post(chat, text);
                await Task.Delay(100);
            });
            await _telegram.WaitUntilAsync(t => t.Sent.Count >= 5, TimeSpan.FromSeconds(60), "the first replies");
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await posting;
        }

        // Users go on writing while the router is down.
        foreach (var chat in chats)
        {
            Post(chat, "while you were away");
        }

        var unconfirmed = _telegram.Unconfirmed;
        Assert.NotEmpty(unconfirmed);
        var pollsBefore = _telegram.Polls.Count;

        await using var second = RouterProcess.Start(environment);
        await second.WaitForHealthyAsync();
        await _telegram.WaitUntilAsync(
            t => unconfirmed.All(u => t.ConfirmedAt.ContainsKey(u) && t.SentTo(texts[u].Chat).Any(m => m.Text == $"reply: {texts[u].Text}")),
            TimeSpan.FromSeconds(90),
            "a reply to every update left unconfirmed by the killed router");

        // The restarted router asked from the oldest unconfirmed update on: nothing skipped.
        Assert.All(_telegram.Polls.Skip(pollsBefore).Take(1), poll => Assert.True(poll.Offset is null || poll.Offset <= unconfirmed.Min()));

        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(40)));
    }
}
