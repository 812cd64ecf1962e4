using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// Health as the runbook reads it: <c>health.tick</c> events, and <c>/healthz</c> degrading when the agent or the Bot
/// API goes away (two failed probes in a row) and recovering by itself when it comes back.
/// </summary>
public sealed class HealthTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("router-health-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Health_degrades_when_the_agent_or_the_bot_api_goes_away_and_recovers_when_it_comes_back()
    {
        await using var telegram = await BotApiEmulator.StartAsync();
        await using var agent = await A2ATestAgent.StartAsync();
        var personas = Path.Combine(_directory, "personas.json");
        File.WriteAllText(personas, $$"""{ "default_persona": "tester", "personas": { "tester": { "agent_url": "{{agent.BaseUrl.AbsoluteUri}}" } } }""");
        await using var router = RouterProcess.Start(new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["TELEGRAM_TRANSPORT_MODE"] = "live",
            ["TELEGRAM_API_BASE_URL"] = telegram.BaseUrl.AbsoluteUri,
            ["TELEGRAM_BOT_TOKEN"] = telegram.Token,
            ["PERSONA_MAP_FILE"] = personas,
            ["HEALTH_PROBE_SECONDS"] = "1",
            ["HEALTH_TICK_SECONDS"] = "1",
        });
        await router.WaitForHealthyAsync();
        await TickAsync(router, "ready", a2a: "ready", telegramStatus: "ready");

        agent.Unavailable = true;
        var degraded = await HealthWhenAsync(router, h => h.Status == 503 && h.Body?["a2a"]?["status"]?.GetValue<string>() == "degraded");
        Assert.Equal("degraded", degraded["a2a"]!["personas"]!["tester"]!["status"]!.GetValue<string>());
        await TickAsync(router, "degraded", a2a: "degraded", telegramStatus: "ready");

        agent.Unavailable = false;
        await HealthWhenAsync(router, h => h.Status == 200);
        await TickAsync(router, "ready", a2a: "ready", telegramStatus: "ready");

        telegram.Fault = (_, _) => Results.StatusCode(StatusCodes.Status502BadGateway);
        await HealthWhenAsync(router, h => h.Status == 503 && h.Body?["telegram"]?["status"]?.GetValue<string>() == "degraded");
        await TickAsync(router, "degraded", a2a: "ready", telegramStatus: "degraded");

        telegram.Fault = null;
        await HealthWhenAsync(router, h => h.Status == 200);
        await TickAsync(router, "ready", a2a: "ready", telegramStatus: "ready");
    }

    /// <summary>Waits for a <c>health.tick</c> newer than now that says what is expected.</summary>
    private static async Task TickAsync(RouterProcess router, string status, string a2a, string telegramStatus)
    {
        var since = DateTimeOffset.UtcNow;
        await Traffic.WaitUntilAsync(
            () => Task.FromResult(router.EventsNamed("health.tick").Any(e =>
                e["timestamp"]!.GetValue<DateTimeOffset>() > since
                && e["status"]!.GetValue<string>() == status
                && e["a2a_status"]!.GetValue<string>() == a2a
                && e["telegram_status"]!.GetValue<string>() == telegramStatus
                && e["personas"]?["tester"]?.GetValue<string>() == a2a
                && e["queue_depth"] is not null)),
            Deadline,
            () => $"a health.tick with status {status}, a2a {a2a}, telegram {telegramStatus}; last: {router.EventsNamed("health.tick").LastOrDefault()}");
    }

    private static async Task<JsonObject> HealthWhenAsync(RouterProcess router, Func<(int Status, JsonObject? Body), bool> condition)
    {
        (int Status, JsonObject? Body) last = default;
        await Traffic.WaitUntilAsync(
            async () => condition(last = await router.HealthAsync()),
            Deadline,
            () => $"/healthz as expected; last: {last.Status} {last.Body}");
        return last.Body!;
    }
}
