using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// Health as the runbook reads it: <c>health.tick</c> events, and <c>/healthz</c> degrading when the agent or the Bot
/// API goes away (two failed probes in a row) and recovering by itself when it comes back; states only for anyone
/// else than this machine or the operator.
/// </summary>
public sealed class HealthTests : IDisposable
{
    private const string Password = "dashboard-password-health";
    private const string DrainToken = "drain-token-health-0042";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

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

    [Fact]
    public async Task Off_loopback_or_through_a_proxy_healthz_shows_states_only_and_the_details_need_the_dashboard_credentials()
    {
        var address = NonLoopbackAddress();
        Assert.SkipWhen(address is null, "this machine has no address but loopback");
        using var drain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = FreePort.Next();
        await using var router = RouterProcess.Start(new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["HTTP_ENDPOINT"] = $"0.0.0.0:{port}",
            ["DASHBOARD_USERNAME"] = "ops",
            ["DASHBOARD_PASSWORD"] = Password,
            ["LOG_FORWARD"] = $"udp://127.0.0.1:{((IPEndPoint)drain.Client.LocalEndPoint!).Port}",
            ["LOG_DRAIN_TOKEN"] = DrainToken,
        });
        var remote = new Uri($"http://{address}:{port}/healthz");
        var local = new Uri($"http://127.0.0.1:{port}/healthz");
        await Traffic.WaitUntilAsync(
            async () => { try { return (await GetAsync(local)).Status == 200; } catch (HttpRequestException) { return false; } },
            TimeSpan.FromSeconds(90),
            () => $"/healthz 200 on {local}:\n{router.Output}");

        // Anyone else: the states probes and smoke checks read, and nothing more.
        var (status, body) = await GetAsync(remote);
        Assert.Equal(200, status);
        AssertStatesOnly(body);

        // Through a proxy on this machine: loopback, but on behalf of someone else; the header admits nobody.
        AssertStatesOnly((await GetAsync(local, ("X-Forwarded-For", "127.0.0.1"))).Body);
        AssertStatesOnly((await GetAsync(local, ("Forwarded", "for=127.0.0.1"))).Body);

        // Wrong credentials are refused (and counted by the dashboard's throttle); the right ones show the details.
        Assert.Equal(401, (await GetAsync(remote, ("Authorization", Basic("ops", "not-the-password")))).Status);
        var (withCredentials, details) = await GetAsync(remote, ("Authorization", Basic("ops", Password)));
        Assert.Equal(200, withCredentials);
        AssertDetailed(details);

        // This machine, directly.
        AssertDetailed((await GetAsync(local)).Body);
    }

    private static void AssertStatesOnly(JsonObject body)
    {
        var text = body.ToJsonString();
        Assert.Equal(["status", "router", "telegram", "storage", "a2a", "queue", "build"], body.Select(p => p.Key));
        Assert.Equal("ready", body["router"]!["state"]!.GetValue<string>());
        Assert.Equal(["state"], body["router"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["status", "transport"], body["telegram"]!.AsObject().Select(p => p.Key));
        Assert.Equal("stub", body["telegram"]!["transport"]!.GetValue<string>());
        Assert.Equal(["status"], body["a2a"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["depth"], body["queue"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["sha", "config_manifest_hash"], body["build"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain("echo", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
    }

    private static void AssertDetailed(JsonObject body)
    {
        Assert.NotNull(body["telegram"]!["detail"]);
        Assert.Equal("ready", body["a2a"]!["personas"]!["echo"]!["status"]!.GetValue<string>());
        Assert.StartsWith("udp://127.0.0.1:", body["logging"]!["forward"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(DrainToken, body.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task<(int Status, JsonObject Body)> GetAsync(Uri url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    private static string Basic(string username, string password) =>
        new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"))).ToString();

    /// <summary>An IPv4 address of this machine that is not loopback, so a request to it comes from off loopback.</summary>
    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

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
