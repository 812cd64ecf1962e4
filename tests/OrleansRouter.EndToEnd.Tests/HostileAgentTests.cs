using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// A running router against an agent that attacks it: its card points elsewhere, it redirects, it answers with
/// megabytes, or with a cut or non-JSON body. A second loopback server stands in for "elsewhere" and records what
/// reaches it, which must be nothing.
/// </summary>
public sealed class HostileAgentTests : IAsyncLifetime
{
    private const string Token = "e2e-agent-token-0123456789abcdef";

    private readonly string _directory = Directory.CreateTempSubdirectory("router-hostile-").FullName;
    private BotApiEmulator _telegram = null!;

    public async ValueTask InitializeAsync() => _telegram = await BotApiEmulator.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string> Environment(HostileAgent agent, JsonObject? auth = null)
    {
        var tester = new JsonObject { ["agent_url"] = agent.BaseUrl.AbsoluteUri, ["persona_tag"] = "tst" };
        if (auth is not null)
        {
            tester["auth"] = auth;
        }

        return new Dictionary<string, string>(LiveRouterEnvironment.For(_telegram, _directory, tester))
        {
            ["A2A_TOKEN_TESTER"] = Token,
            ["HEALTH_PROBE_SECONDS"] = "1",
            ["RETRY_BASE_DELAY_MS"] = "100",
            ["RETRY_MAX_DELAY_MS"] = "500",
            ["A2A_TIMEOUT_SECONDS"] = "10",
            ["LOG_LEVEL"] = "Debug",
        };
    }

    private static JsonObject Bearer => new() { ["scheme"] = "bearer", ["token_env"] = "A2A_TOKEN_TESTER" };

    private static JsonObject ApiKey => new() { ["scheme"] = "api_key", ["header"] = "X-Agent-Key", ["token_env"] = "A2A_TOKEN_TESTER" };

    private async Task<IReadOnlyList<string>> AskAsync(long chat, string text, int replies = 1)
    {
        var before = _telegram.SentTo(chat).Count;
        _telegram.Post(chat, text);
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= before + replies, TimeSpan.FromSeconds(60), $"{replies} replies to '{text}'");
        return _telegram.SentTo(chat).Skip(before).Select(m => m.Text).ToList();
    }

    [Fact]
    public async Task A_card_pointing_elsewhere_is_refused_in_health_and_the_chat_while_elsewhere_receives_nothing()
    {
        await using var elsewhere = await HostileAgent.StartAsync();
        await using var agent = await HostileAgent.StartAsync();
        agent.CardEndpoint = elsewhere.Endpoint;
        await using var router = RouterProcess.Start(Environment(agent, Bearer));

        string? detail = null;
        await Traffic.WaitUntilAsync(
            async () =>
            {
                var (_, body) = await router.HealthAsync();
                detail = body?["a2a"]?["personas"]?["tester"]?["detail"]?.GetValue<string>();
                return detail?.Contains("card points to another origin", StringComparison.Ordinal) == true;
            },
            TimeSpan.FromSeconds(60),
            () => $"health to report the card pointing elsewhere, last detail: {detail}\n{router.Output}");
        var replies = await AskAsync(Traffic.Chats(1)[0], "my secret plans");

        Assert.Contains("refused", detail);
        Assert.StartsWith("Sorry, tester could not answer", Assert.Single(replies));
        Assert.Empty(elsewhere.Received);
        Assert.Empty(agent.Calls);
        Assert.DoesNotContain(Token, router.Output);

        // Probed every second, logged once.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var logged = Assert.Single(router.EventsNamed("a2a.card_elsewhere"));
        Assert.Equal("tst", logged["persona_tag"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_redirecting_agent_never_passes_the_api_key_or_the_text_on()
    {
        await using var target = await HostileAgent.StartAsync();
        await using var agent = await HostileAgent.StartAsync();
        agent.ReplyFor = _ => new HostileReply.Redirect(target.Endpoint);
        await using var router = RouterProcess.Start(Environment(agent, ApiKey));
        await router.WaitForHealthyAsync();

        var replies = await AskAsync(Traffic.Chats(1)[0], "my secret plans");

        Assert.StartsWith("Sorry, tester could not answer", Assert.Single(replies));
        Assert.Single(agent.Calls);
        Assert.Equal(Token, agent.Calls[0].Headers["X-Agent-Key"]);
        Assert.Empty(target.Received);
    }

    [Fact]
    public async Task A_4_MiB_reply_is_refused_after_one_call_and_a_100_KB_reply_arrives_cut_with_a_notice()
    {
        await using var agent = await HostileAgent.StartAsync();
        agent.ReplyFor = n => new HostileReply.Lengthy(n == 1 ? 4 * 1024 * 1024 : 100_000);
        await using var router = RouterProcess.Start(Environment(agent));
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        var huge = await AskAsync(chat, "huge");
        var capped = await AskAsync(chat, "long", replies: 4);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.StartsWith("Sorry, tester could not answer", Assert.Single(huge));
        var failure = Assert.Single(router.EventsNamed("a2a.failure"));
        Assert.Equal("response_too_large", failure["code"]?.GetValue<string>());
        Assert.Equal(2, agent.Calls.Count);
        Assert.InRange(_telegram.SentTo(chat).Count, 5, 6);
        var text = string.Concat(_telegram.SentTo(chat).Skip(1).Select(m => m.Text));
        Assert.InRange(text.Length, 16_000, 16_384);
        Assert.EndsWith("[reply truncated: the agent sent 100,000 characters; the limit is 16,384]", text);
    }

    [Fact]
    public async Task A_garbage_and_a_cut_200_are_retried_with_the_same_message_id_and_the_user_gets_one_answer()
    {
        await using var agent = await HostileAgent.StartAsync();
        agent.ReplyFor = n => n switch
        {
            1 => new HostileReply.Garbage(),
            2 => new HostileReply.CutJson(),
            _ => new HostileReply.Normal(),
        };
        await using var router = RouterProcess.Start(Environment(agent));
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        var replies = await AskAsync(chat, "hello");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(["reply: hello"], replies);
        Assert.Single(_telegram.SentTo(chat));
        Assert.Equal(3, agent.Calls.Count);
        Assert.Single(agent.Calls.Select(c => c.MessageId).Distinct());
        Assert.All(router.EventsNamed("a2a.failure"), e => Assert.Equal("invalid_response_body", e["code"]?.GetValue<string>()));
    }
}
