using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Personas;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Agents;

/// <summary>The A2A client against a real A2A server on loopback, in both protocol versions.</summary>
public sealed class A2AClientTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = Services();
    private readonly List<A2ATestAgent> _agents = [];

    /// <summary>The same HttpClient registration as the router's.</summary>
    internal static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddA2AHttpClient();
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    private async Task<A2ATestAgent> AgentAsync(string version, CardLocation card = CardLocation.AgentCardJson)
    {
        var agent = await A2ATestAgent.StartAsync(version, card);
        _agents.Add(agent);
        return agent;
    }

    private A2AClient Client(TimeSpan? timeout = null) =>
        new(_services.GetRequiredService<IHttpClientFactory>(), new A2AClientOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, TimeProvider.System);

    private static Persona PersonaFor(A2ATestAgent agent, AgentAuth? auth = null) =>
        new("test", agent.BaseUrl, auth ?? AgentAuth.None, null, "test");

    private static AgentRequest Request(A2ATestAgent agent, string text, string? contextId = null, string? taskId = null, AgentAuth? auth = null) =>
        new(PersonaFor(agent, auth), Guid.NewGuid().ToString("N"), text, contextId, taskId);

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_message_result_becomes_the_reply_with_its_context(string version)
    {
        var agent = await AgentAsync(version);

        var outcome = await Client().SendAsync(Request(agent, "hello", contextId: "ctx-7"), CancellationToken.None);

        var reply = Assert.IsType<AgentReply>(outcome);
        Assert.Equal(AgentReplyKind.Message, reply.Kind);
        Assert.Equal("reply: hello", reply.Text);
        Assert.Equal("ctx-7", reply.ContextId);
    }

    [Fact]
    public async Task A_v1_call_is_SendMessage_with_the_version_header_and_proto_enums()
    {
        var agent = await AgentAsync("1.0");

        await Client().SendAsync(Request(agent, "hi", contextId: "c", taskId: "t"), CancellationToken.None);

        var call = Assert.Single(agent.Calls);
        Assert.Equal("SendMessage", call.Method);
        Assert.Equal("1.0", call.Version);
        Assert.Equal("ROLE_USER", call.Message!["role"]!.GetValue<string>());
        Assert.Null(call.Message["kind"]);
        Assert.Equal(("c", "t"), (call.ContextId, call.TaskId));
        Assert.False(call.Body["params"]!["configuration"]!["returnImmediately"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_v03_card_gets_message_send_with_kinds_and_blocking()
    {
        var agent = await AgentAsync("0.3");

        await Client().SendAsync(Request(agent, "hi"), CancellationToken.None);

        var call = Assert.Single(agent.Calls);
        Assert.Equal("message/send", call.Method);
        Assert.Null(call.Version);
        Assert.Equal("message", call.Message!["kind"]!.GetValue<string>());
        Assert.Equal("user", call.Message["role"]!.GetValue<string>());
        Assert.Equal("text", call.Message["parts"]![0]!["kind"]!.GetValue<string>());
        Assert.True(call.Body["params"]!["configuration"]!["blocking"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_card_only_at_the_legacy_agent_json_is_found(string version)
    {
        var agent = await AgentAsync(version, CardLocation.LegacyAgentJson);

        var outcome = await Client().SendAsync(Request(agent, "legacy"), CancellationToken.None);

        Assert.Equal("reply: legacy", Assert.IsType<AgentReply>(outcome).Text);
    }

    [Fact]
    public async Task An_agent_that_does_not_know_SendMessage_is_spoken_to_in_v03()
    {
        // The card claims 1.0, but the server only knows message/send: it answers method-not-found.
        var agent = await AgentAsync("0.3");
        agent.Answer = call => new AgentAnswer.Result(agent.MessageResult("from v0.3", "c"));
        var card = new Persona("test", agent.BaseUrl, AgentAuth.None, null, "test");
        var client = Client();
        await using var lying = await LyingCardAsync(agent.Endpoint);

        var outcome = await client.SendAsync(new AgentRequest(card with { AgentUrl = lying.BaseUrl }, "m1", "fallback", null, null), CancellationToken.None);
        var again = await client.SendAsync(new AgentRequest(card with { AgentUrl = lying.BaseUrl }, "m2", "remembered", null, null), CancellationToken.None);

        Assert.Equal("from v0.3", Assert.IsType<AgentReply>(outcome).Text);
        Assert.IsType<AgentReply>(again);
        Assert.Equal(["SendMessage", "message/send", "message/send"], agent.Calls.Select(c => c.Method));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_completed_task_answers_with_its_artifacts_and_status_message(string version)
    {
        var agent = await AgentAsync(version);
        agent.Answer = call => new AgentAnswer.Result(agent.TaskResult("t1", "c1", "completed", "All done.", "First artifact", "Second artifact"));

        var outcome = await Client().SendAsync(Request(agent, "work"), CancellationToken.None);

        var reply = Assert.IsType<AgentReply>(outcome);
        Assert.Equal(AgentReplyKind.Completed, reply.Kind);
        Assert.Equal("First artifact\n\nSecond artifact\n\nAll done.", reply.Text);
        Assert.Equal(("c1", "t1"), (reply.ContextId, reply.TaskId));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task An_input_required_task_is_continued_with_its_task_id(string version)
    {
        var agent = await AgentAsync(version);
        agent.Answer = call => new AgentAnswer.Result(call.TaskId == "t9"
            ? agent.TaskResult("t9", "c9", "completed", null, $"Flying {call.Text}.")
            : agent.TaskResult("t9", "c9", "input-required", "Where to?"));
        var client = Client();

        var question = Assert.IsType<AgentReply>(await client.SendAsync(Request(agent, "book"), CancellationToken.None));
        var answer = Assert.IsType<AgentReply>(await client.SendAsync(Request(agent, "to Oslo", question.ContextId, question.TaskId), CancellationToken.None));

        Assert.Equal((AgentReplyKind.InputRequired, "Where to?", "t9"), (question.Kind, question.Text, question.TaskId));
        Assert.True(question.AwaitsUser);
        Assert.Equal((AgentReplyKind.Completed, "Flying to Oslo."), (answer.Kind, answer.Text));
        Assert.Equal("t9", agent.Calls[1].TaskId);
    }

    [Theory]
    [InlineData("failed", AgentReplyKind.Failed)]
    [InlineData("rejected", AgentReplyKind.Rejected)]
    [InlineData("auth-required", AgentReplyKind.AuthRequired)]
    [InlineData("canceled", AgentReplyKind.Canceled)]
    public async Task Unhappy_task_states_carry_their_reason(string state, AgentReplyKind kind)
    {
        var agent = await AgentAsync("1.0");
        agent.Answer = call => new AgentAnswer.Result(agent.TaskResult("t", "c", state, "Because."));

        var reply = Assert.IsType<AgentReply>(await Client().SendAsync(Request(agent, "x"), CancellationToken.None));

        Assert.Equal((kind, "Because."), (reply.Kind, reply.Text));
    }

    [Fact]
    public async Task A_task_still_working_is_polled_until_it_completes()
    {
        var agent = await AgentAsync("1.0");
        var polls = 0;
        agent.Answer = call => new AgentAnswer.Result(call.Method == "GetTask" && ++polls >= 2
            ? agent.TaskResult("tw", "c", "completed", null, "finally")
            : agent.TaskResult("tw", "c", "working"));

        var reply = Assert.IsType<AgentReply>(await Client().SendAsync(Request(agent, "slow job"), CancellationToken.None));

        Assert.Equal("finally", reply.Text);
        Assert.Equal(["SendMessage", "GetTask", "GetTask"], agent.Calls.Select(c => c.Method));
        Assert.Equal("tw", agent.Calls[1].Body["params"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Results_without_kind_and_with_unknown_fields_are_read()
    {
        var agent = await AgentAsync("0.3");
        agent.Answer = call => new AgentAnswer.Result(JsonNode.Parse("""
            { "id": "t", "contextId": "c", "novelty": {"x": 1},
              "status": { "state": "completed", "message": { "role": "agent", "parts": [ { "text": "no kinds here" } ] } } }
            """)!);

        var reply = Assert.IsType<AgentReply>(await Client().SendAsync(Request(agent, "x"), CancellationToken.None));

        Assert.Equal((AgentReplyKind.Completed, "no kinds here"), (reply.Kind, reply.Text));
    }

    [Theory]
    [InlineData(-32602, FailureClass.Fatal)]
    [InlineData(-32603, FailureClass.Transient)]
    [InlineData(-32004, FailureClass.Fatal)]
    public async Task A_json_rpc_error_is_classified(int code, FailureClass expected)
    {
        var agent = await AgentAsync("1.0");
        agent.Answer = _ => new AgentAnswer.RpcError(code, "no");

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent, "x"), CancellationToken.None));

        Assert.Equal((expected, $"jsonrpc_{code}"), (failure.Class, failure.Code));
    }

    [Fact]
    public async Task Task_not_found_is_reported_as_such()
    {
        var agent = await AgentAsync("1.0");
        agent.Answer = _ => new AgentAnswer.RpcError(-32001, "Task not found");

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent, "x", taskId: "gone"), CancellationToken.None));

        Assert.True(failure.TaskNotFound);
    }

    [Theory]
    [InlineData(503, FailureClass.Transient)]
    [InlineData(429, FailureClass.Transient)]
    [InlineData(401, FailureClass.Fatal)]
    [InlineData(400, FailureClass.Fatal)]
    public async Task An_http_error_is_classified(int status, FailureClass expected)
    {
        var agent = await AgentAsync("1.0");
        agent.Answer = _ => new AgentAnswer.Status(status);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent, "x"), CancellationToken.None));

        Assert.Equal((expected, $"http_{status}"), (failure.Class, failure.Code));
    }

    [Fact]
    public async Task An_agent_slower_than_the_timeout_is_a_transient_timeout()
    {
        var agent = await AgentAsync("1.0");
        agent.Answer = _ => new AgentAnswer.Slow(TimeSpan.FromSeconds(30), new AgentAnswer.Status(200));

        var failure = Assert.IsType<AgentFailure>(await Client(TimeSpan.FromMilliseconds(500)).SendAsync(Request(agent, "x"), CancellationToken.None));

        Assert.Equal((FailureClass.Transient, AgentFailureCodes.Timeout), (failure.Class, failure.Code));
    }

    [Fact]
    public async Task An_agent_nobody_listens_for_is_a_transient_network_failure()
    {
        var agent = await AgentAsync("1.0");
        var gone = agent.BaseUrl;
        await agent.DisposeAsync();
        _agents.Remove(agent);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(
            new AgentRequest(new Persona("gone", gone, AgentAuth.None, null, "gone"), "m", "x", null, null), CancellationToken.None));

        Assert.Equal((FailureClass.Transient, AgentFailureCodes.Network), (failure.Class, failure.Code));
    }

    [Fact]
    public async Task An_agent_without_a_card_is_a_fatal_failure_and_an_unhealthy_probe()
    {
        var agent = await AgentAsync("1.0", CardLocation.None);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent, "x"), CancellationToken.None));
        var probe = await Client().ProbeAsync(PersonaFor(agent), CancellationToken.None);

        Assert.Equal((FailureClass.Fatal, "card_not_found"), (failure.Class, failure.Code));
        Assert.False(probe.Healthy);
        Assert.Empty(agent.Calls);
    }

    [Fact]
    public async Task Bearer_auth_sends_the_token_and_a_wrong_one_is_refused()
    {
        var agent = await AgentAsync("1.0");
        agent.RequiredCredential = ("Authorization", "Bearer sesame-0123456789");

        var good = await Client().SendAsync(Request(agent, "x", auth: AgentAuth.Bearer("sesame-0123456789", "A2A_TOKEN_TEST")), CancellationToken.None);
        var bad = await Client().SendAsync(Request(agent, "x", auth: AgentAuth.Bearer("wrong-token-000000", "A2A_TOKEN_TEST")), CancellationToken.None);

        Assert.IsType<AgentReply>(good);
        Assert.Equal((FailureClass.Fatal, "http_401"), (Assert.IsType<AgentFailure>(bad).Class, ((AgentFailure)bad).Code));
    }

    [Fact]
    public async Task Api_key_auth_sends_the_key_in_its_header()
    {
        var agent = await AgentAsync("0.3");
        agent.RequiredCredential = ("X-Agent-Key", "key-0123456789");

        var outcome = await Client().SendAsync(Request(agent, "x", auth: AgentAuth.ApiKey("X-Agent-Key", "key-0123456789", "A2A_TOKEN_TEST")), CancellationToken.None);

        Assert.IsType<AgentReply>(outcome);
        Assert.Equal("key-0123456789", agent.Calls.Single().Headers["X-Agent-Key"]);
    }

    [Fact]
    public async Task A_probe_reports_the_endpoint_and_dialect_from_the_card()
    {
        var agent = await AgentAsync("0.3");

        var probe = await Client().ProbeAsync(PersonaFor(agent), CancellationToken.None);

        Assert.True(probe.Healthy);
        Assert.Contains(agent.Endpoint.AbsoluteUri, probe.Detail);
        Assert.Contains("v0.3", probe.Detail);
    }

    /// <summary>A card that claims v1.0 for an endpoint that only speaks v0.3.</summary>
    private static async Task<WebAppHandle> LyingCardAsync(Uri endpoint)
    {
        var (app, baseUrl) = await LoopbackServer.StartAsync(web => web.MapGet("/.well-known/agent-card.json", () => Microsoft.AspNetCore.Http.Results.Content(
            new JsonObject
            {
                ["name"] = "liar",
                ["supportedInterfaces"] = new JsonArray(new JsonObject { ["url"] = endpoint.AbsoluteUri, ["protocolBinding"] = "JSONRPC", ["protocolVersion"] = "1.0" }),
            }.ToJsonString(), "application/json")));
        return new WebAppHandle(app, baseUrl);
    }

    private sealed record WebAppHandle(Microsoft.AspNetCore.Builder.WebApplication App, Uri BaseUrl) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
