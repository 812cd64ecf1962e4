using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Smoke;

/// <summary>
/// <c>ops/smoke.sh</c> against real silos, for the exit codes an orchestrator gates on: 0 healthy and answered,
/// 1 not healthy in time, 2 usage, 3 healthy but the stub message got no reply.
/// </summary>
public sealed class SmokeTests : IDisposable
{
    private static readonly string Script = Path.Combine(RouterProcess.RepositoryRoot(), "ops", "smoke.sh");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _directory = Directory.CreateTempSubdirectory("router-smoke-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_healthy_stub_silo_passes_with_its_state_build_and_configuration_and_answers_the_smoke_message()
    {
        var sha = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        await using var router = RouterProcess.Start(new Dictionary<string, string> { ["ROUTER_ENV"] = "local", ["BUILD_SHA"] = sha });
        var health = await router.WaitForHealthyAsync();

        var smoke = await SmokeAsync(router.HttpUrl.AbsoluteUri, "--interval", "1", "--timeout", "60");

        Assert.True(smoke.ExitCode == 0, $"smoke passes:\n{smoke}");
        var report = smoke.StandardOutput.Split('\n')[0];
        Assert.Contains("router.state=ready ", report, StringComparison.Ordinal);
        Assert.Contains($"build_sha={sha} ", report, StringComparison.Ordinal);
        Assert.EndsWith($"config_manifest_hash={health["build"]!["config_manifest_hash"]!.GetValue<string>()}", report, StringComparison.Ordinal);
        Assert.Contains("smoke: healthy sample 3 of 3", smoke.StandardError, StringComparison.Ordinal);

        // The message went through the agent: the echo agent's reply, to the smoke message, in the stub's transcript.
        var transcript = JsonNode.Parse(await Http.GetStringAsync(new Uri(router.HttpUrl, "/stub/chats/-4242/transcript")))!["messages"]!.AsArray();
        var asked = Assert.Single(transcript, m => m!["from"]!.GetValue<string>() == "user")!;
        var answered = Assert.Single(transcript, m => m!["from"]!.GetValue<string>() == "bot")!;
        Assert.Equal(asked["message_id"]!.GetValue<int>(), answered["reply_to"]!.GetValue<int>());
        Assert.Contains($"smoke: chat -4242 answered: {answered["text"]!.GetValue<string>()}", smoke.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(asked["text"]!.GetValue<string>(), answered["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_fails_with_exit_code_1_within_the_timeout()
    {
        var clock = Stopwatch.StartNew();
        var smoke = await SmokeAsync($"http://127.0.0.1:{FreePort.Next()}", "--interval", "1", "--timeout", "4");

        Assert.True(smoke.ExitCode == 1, $"smoke fails:\n{smoke}");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(8));
        Assert.Contains("was not healthy 3 times in a row within 4 s (last answer: none)", smoke.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_whose_healthz_is_503_fails_with_exit_code_1_and_what_it_last_said()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        agent.Unavailable = true;
        await using var router = RouterProcess.Start(Stub(agent));
        await Wait.UntilAsync(
            async () => await router.HealthAsync() is (503, { } body) && body["a2a"]?["status"]?.GetValue<string>() != "ready",
            TimeSpan.FromMinutes(2),
            () => $"/healthz to answer 503:\n{router.Output}");

        var smoke = await SmokeAsync(router.HttpUrl.AbsoluteUri, "--interval", "1", "--timeout", "5");

        Assert.True(smoke.ExitCode == 1, $"smoke fails:\n{smoke}");
        Assert.Contains("(last answer: 503)", smoke.StandardError, StringComparison.Ordinal);
        Assert.Matches("\"a2a\":\"(degraded|failed)\"", smoke.StandardError);
    }

    [Fact]
    public async Task A_healthy_silo_whose_agent_never_answers_in_time_fails_with_exit_code_3()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        agent.Answer = call => new AgentAnswer.Slow(TimeSpan.FromMinutes(10), new AgentAnswer.Result(agent.MessageResult("too late", call.ContextId ?? "smoke")));
        await using var router = RouterProcess.Start(Stub(agent));
        await router.WaitForHealthyAsync();

        var smoke = await SmokeAsync(router.HttpUrl.AbsoluteUri, "--interval", "1", "--timeout", "8");

        Assert.True(smoke.ExitCode == 3, $"smoke gets no reply:\n{smoke}");
        Assert.Contains("router.state=ready ", smoke.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no reply to the smoke message in chat -4242 within 8 s", smoke.StandardError, StringComparison.Ordinal);
        Assert.Contains(agent.Calls, call => call.Text.StartsWith("smoke ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "name the router's base URL")]
    [InlineData("ftp://127.0.0.1:8080", "the base URL must start with http:// or https://")]
    [InlineData("http://127.0.0.1:8080 --samples many", "--samples takes a whole number, not 'many'")]
    [InlineData("http://127.0.0.1:8080 --samples 0", "--samples must be at least 1")]
    [InlineData("http://127.0.0.1:8080 --timeout", "--timeout needs a value")]
    [InlineData("http://127.0.0.1:8080 --chat general", "--chat takes a chat id")]
    [InlineData("http://127.0.0.1:8080 http://127.0.0.1:8081", "one base URL only")]
    [InlineData("http://127.0.0.1:8080 --frobnicate", "unknown option '--frobnicate'")]
    public async Task Bad_arguments_exit_with_code_2_and_the_usage(string arguments, string reason)
    {
        var smoke = await SmokeAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(smoke.ExitCode == 2, $"smoke refuses:\n{smoke}");
        Assert.Contains($"smoke: {reason}", smoke.StandardError, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 healthy", smoke.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("set -euo", smoke.StandardError, StringComparison.Ordinal);
    }

    /// <summary>local, on the stub Bot API, with <paramref name="agent"/> as its one persona, probed every second.</summary>
    private Dictionary<string, string> Stub(A2ATestAgent agent)
    {
        var personas = Path.Combine(_directory, "personas.json");
        File.WriteAllText(personas, $$"""{ "default_persona": "tester", "personas": { "tester": { "agent_url": "{{agent.BaseUrl.AbsoluteUri}}" } } }""");
        return new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["PERSONA_MAP_FILE"] = personas,
            ["HEALTH_PROBE_SECONDS"] = "1",
            ["A2A_TIMEOUT_SECONDS"] = "600",
        };
    }

    private static Task<CommandResult> SmokeAsync(params string[] args) => Command.RunAsync("bash", [Script, .. args], TimeSpan.FromMinutes(3));
}
