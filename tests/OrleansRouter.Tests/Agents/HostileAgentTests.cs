using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Personas;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Agents;

/// <summary>
/// The A2A client against agents that attack it: cards pointing elsewhere, redirects, huge, cut, deep and slow
/// answers. Every one is a real HTTP server on loopback, and a second one stands in for "elsewhere" and records
/// whatever reaches it.
/// </summary>
public sealed class HostileAgentTests : IAsyncDisposable
{
    private const string Token = "sesame-0123456789";
    private const string UserText = "my secret plans";

    private readonly ServiceProvider _services = A2AClientTests.Services();
    private readonly List<HostileAgent> _agents = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    private async Task<HostileAgent> AgentAsync()
    {
        var agent = await HostileAgent.StartAsync();
        _agents.Add(agent);
        return agent;
    }

    private A2AClient Client(TimeSpan? timeout = null, int maxResponseBytes = 1024 * 1024, int maxReplyChars = 16_384) => new(
        _services.GetRequiredService<IHttpClientFactory>(),
        new A2AClientOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10), MaxResponseBytes = maxResponseBytes, MaxReplyChars = maxReplyChars },
        TimeProvider.System);

    private static AgentAuth Bearer => AgentAuth.Bearer(Token, "A2A_TOKEN_TEST");

    private static AgentAuth ApiKey => AgentAuth.ApiKey("X-Agent-Key", Token, "A2A_TOKEN_TEST");

    private static Persona PersonaAt(Uri url, AgentAuth? auth = null) => new("test", url, auth ?? AgentAuth.None, null, "test");

    private static AgentRequest Request(HostileAgent agent, AgentAuth? auth = null, string messageId = "m-1") =>
        new(PersonaAt(agent.BaseUrl, auth), messageId, UserText, null, null);

    private static void AssertNoCredential(ReceivedRequest request)
    {
        Assert.False(request.Headers.ContainsKey("Authorization"), $"{request.Path} got an Authorization header");
        Assert.False(request.Headers.ContainsKey("X-Agent-Key"), $"{request.Path} got the API key");
        Assert.DoesNotContain(Token, string.Join("\n", request.Headers.Values));
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("api_key")]
    public async Task A_card_pointing_to_another_origin_is_refused_for_a_persona_with_a_credential_and_elsewhere_gets_nothing(string scheme)
    {
        var elsewhere = await AgentAsync();
        var agent = await AgentAsync();
        agent.CardEndpoint = elsewhere.Endpoint;
        var auth = scheme == "bearer" ? Bearer : ApiKey;
        var client = Client();

        var failure = Assert.IsType<AgentFailure>(await client.SendAsync(Request(agent, auth), CancellationToken.None));
        var probe = await client.ProbeAsync(PersonaAt(agent.BaseUrl, auth), CancellationToken.None);

        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.CardElsewhere), (failure.Class, failure.Code));
        Assert.Empty(elsewhere.Received);
        Assert.False(probe.Healthy);
        Assert.Contains($"card points to another origin ({elsewhere.BaseUrl.GetLeftPart(UriPartial.Authority)}): refused", probe.Detail);
        Assert.DoesNotContain(Token, probe.Detail + failure.Detail);
    }

    [Fact]
    public async Task A_card_pointing_to_another_origin_is_followed_without_credentials_for_a_persona_without_one()
    {
        var elsewhere = await AgentAsync();
        var agent = await AgentAsync();
        agent.CardEndpoint = elsewhere.Endpoint;
        var client = Client();

        var reply = Assert.IsType<AgentReply>(await client.SendAsync(Request(agent), CancellationToken.None));
        var probe = await client.ProbeAsync(PersonaAt(agent.BaseUrl), CancellationToken.None);

        Assert.Equal($"reply: {UserText}", reply.Text);
        AssertNoCredential(Assert.Single(elsewhere.Received));
        Assert.True(probe.Healthy);
        Assert.Contains("card points to another origin", probe.Detail);
        Assert.Contains("followed without credentials", probe.Detail);
    }

    [Fact]
    public async Task The_card_is_fetched_without_the_credential_and_the_call_carries_it()
    {
        var agent = await AgentAsync();

        Assert.IsType<AgentReply>(await Client().SendAsync(Request(agent, Bearer), CancellationToken.None));

        var card = agent.CardRequests[0];
        AssertNoCredential(card);
        Assert.Equal($"Bearer {Token}", Assert.Single(agent.Calls).Headers["Authorization"]);
    }

    [Fact]
    public async Task A_card_that_asks_for_the_credential_gets_it_once_on_the_same_origin()
    {
        var agent = await AgentAsync();
        agent.CardCredential = ("Authorization", $"Bearer {Token}");

        Assert.IsType<AgentReply>(await Client().SendAsync(Request(agent, Bearer), CancellationToken.None));

        var cards = agent.CardRequests;
        Assert.Equal(2, cards.Count);
        AssertNoCredential(cards[0]);
        Assert.Equal($"Bearer {Token}", cards[1].Headers["Authorization"]);
    }

    [Fact]
    public async Task The_card_is_not_looked_for_at_the_root_of_the_host_where_another_tenant_lives()
    {
        // The persona's agent lives under /tenant-a; the host root serves another tenant's card.
        var host = await AgentAsync();

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(
            new AgentRequest(PersonaAt(new Uri(host.BaseUrl, "/tenant-a"), Bearer), "m", UserText, null, null), CancellationToken.None));

        Assert.Equal("card_not_found", failure.Code);
        Assert.All(host.Received, r => Assert.StartsWith("/tenant-a/", r.Path));
        Assert.Empty(host.Calls);
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    [InlineData(302)]
    public async Task A_redirect_of_a_call_is_a_fatal_failure_and_its_target_gets_neither_the_key_nor_the_text(int status)
    {
        var target = await AgentAsync();
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.Redirect(target.Endpoint, status);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent, ApiKey), CancellationToken.None));

        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.Redirect), (failure.Class, failure.Code));
        Assert.Empty(target.Received);
        Assert.Single(agent.Calls);
    }

    [Fact]
    public async Task A_redirect_of_the_card_is_not_followed()
    {
        var target = await AgentAsync();
        var agent = await AgentAsync();
        agent.CardRedirect = new Uri(target.BaseUrl, "/.well-known/agent-card.json");
        var client = Client();

        var failure = Assert.IsType<AgentFailure>(await client.SendAsync(Request(agent, Bearer), CancellationToken.None));
        var probe = await client.ProbeAsync(PersonaAt(agent.BaseUrl, Bearer), CancellationToken.None);

        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.Redirect), (failure.Class, failure.Code));
        Assert.False(probe.Healthy);
        Assert.StartsWith("redirect:", probe.Detail);
        Assert.Empty(target.Received);
    }

    [Fact]
    public async Task A_4_MiB_answer_is_a_fatal_response_too_large_after_one_call()
    {
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.Lengthy(4 * 1024 * 1024);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent), CancellationToken.None));

        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.ResponseTooLarge), (failure.Class, failure.Code));
        Assert.Single(agent.Calls);
    }

    [Fact]
    public async Task A_100_KB_reply_is_cut_to_the_reply_cap_with_a_notice()
    {
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.Lengthy(100_000);

        var reply = Assert.IsType<AgentReply>(await Client().SendAsync(Request(agent), CancellationToken.None));

        Assert.Equal(16_384, reply.Text.Length);
        Assert.EndsWith("\n\n[reply truncated: the agent sent 100,000 characters; the limit is 16,384]", reply.Text);
        Assert.StartsWith(new string('x', 16_000), reply.Text);
    }

    [Theory]
    [InlineData("cut")]
    [InlineData("dropped")]
    [InlineData("garbage")]
    public async Task A_200_that_is_cut_or_not_json_is_transient_and_the_same_message_succeeds_on_the_retry(string kind)
    {
        var agent = await AgentAsync();
        HostileReply first = kind switch
        {
            "cut" => new HostileReply.CutJson(),
            "dropped" => new HostileReply.DroppedConnection(),
            _ => new HostileReply.Garbage(),
        };
        agent.ReplyFor = n => n == 1 ? first : new HostileReply.Normal();
        var client = Client();

        var failure = Assert.IsType<AgentFailure>(await client.SendAsync(Request(agent, messageId: "same-id"), CancellationToken.None));
        var retry = await client.SendAsync(Request(agent, messageId: "same-id"), CancellationToken.None);

        // A dropped connection may be noticed before the headers are read (network) or during the body: transient either way.
        Assert.Equal(FailureClass.Transient, failure.Class);
        string[] codes = kind == "dropped" ? [AgentFailureCodes.InvalidResponseBody, AgentFailureCodes.Network] : [AgentFailureCodes.InvalidResponseBody];
        Assert.Contains(failure.Code, codes);
        Assert.Equal($"reply: {UserText}", Assert.IsType<AgentReply>(retry).Text);
        Assert.Equal(["same-id", "same-id"], agent.Calls.Select(c => c.MessageId));
    }

    [Fact]
    public async Task Json_that_is_not_json_rpc_stays_a_fatal_protocol_violation()
    {
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.Deep(3);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent), CancellationToken.None));

        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.InvalidResponse), (failure.Class, failure.Code));
    }

    [Fact]
    public async Task A_10000_deep_answer_is_a_fatal_protocol_violation()
    {
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.Deep(10_000);

        var failure = Assert.IsType<AgentFailure>(await Client().SendAsync(Request(agent), CancellationToken.None));

        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.InvalidResponse), (failure.Class, failure.Code));
        Assert.Contains("deeper than 64", failure.Detail);
    }

    [Fact]
    public async Task An_answer_dripping_one_byte_every_500_ms_runs_into_the_timeout()
    {
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.Drip(TimeSpan.FromMilliseconds(500));
        var started = TimeProvider.System.GetTimestamp();

        var failure = Assert.IsType<AgentFailure>(await Client(TimeSpan.FromSeconds(2)).SendAsync(Request(agent), CancellationToken.None));

        Assert.Equal((FailureClass.Transient, AgentFailureCodes.Timeout), (failure.Class, failure.Code));
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_task_that_never_finishes_runs_into_the_timeout()
    {
        var agent = await AgentAsync();
        agent.ReplyFor = _ => new HostileReply.NeverFinal();

        var failure = Assert.IsType<AgentFailure>(await Client(TimeSpan.FromSeconds(2)).SendAsync(Request(agent), CancellationToken.None));

        Assert.Equal((FailureClass.Transient, AgentFailureCodes.Timeout), (failure.Class, failure.Code));
        Assert.True(agent.Calls.Count >= 2, "the task was polled");
    }

    [Fact]
    public async Task A_credential_is_never_sent_over_plain_http_off_loopback()
    {
        // Never reached: the refusal comes from the persona's own URL, before any request.
        var persona = PersonaAt(new Uri("http://agents.example.com/a"), Bearer);
        var card = new AgentCard("a", new Uri("http://agents.example.com/a/rpc"), A2ADialect.V1);

        Assert.False(CredentialScope.Covers(persona, card.Endpoint));
        Assert.Equal(AgentFailureCodes.InsecureTransport, CredentialScope.Refusal(persona, card.Endpoint)?.Code);
        Assert.True(CredentialScope.Covers(persona with { AgentUrl = new Uri("http://127.0.0.1:9/a") }, new Uri("http://127.0.0.1:9/a/rpc")));
        Assert.True(CredentialScope.Covers(persona with { AgentUrl = new Uri("https://agents.example.com/a") }, new Uri("https://AGENTS.example.com:443/b")));
        Assert.False(CredentialScope.Covers(persona with { AgentUrl = new Uri("https://agents.example.com/a") }, new Uri("https://agents.example.com:8443/a")));
    }
}
