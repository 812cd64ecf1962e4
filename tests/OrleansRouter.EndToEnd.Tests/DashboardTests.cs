using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>The Orleans dashboard on a port of its own: the page, a chat's and a persona's grain state, and its credentials.</summary>
public sealed class DashboardTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task It_serves_the_page_and_the_grain_state_of_a_chat_and_a_persona_on_its_port_only()
    {
        var dashboard = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var router = RouterProcess.Start(new Dictionary<string, string> { ["ROUTER_ENV"] = "local", ["DASHBOARD_ENDPOINT"] = dashboard.Authority });
        await router.WaitForHealthyAsync();
        using (var post = await Http.PostAsJsonAsync(new Uri(router.HttpUrl, "/stub/chats/42/messages"), new { text = "hello" }))
        {
            post.EnsureSuccessStatusCode();
        }

        using var page = await Http.GetAsync(new Uri(dashboard, "/dashboard/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(router.HttpUrl, "/dashboard/"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(dashboard, "/healthz"))).StatusCode);

        var chat = await GrainStateAsync(dashboard, "42", "OrleansRouter.Grains.Chats.ChatGrain");
        Assert.Equal(42, chat["GetState"]!["ChatId"]!.GetValue<long>());
        Assert.Equal("echo", chat["GetState"]!["Persona"]!.GetValue<string>());
        var persona = await GrainStateAsync(dashboard, "echo", "OrleansRouter.Grains.Personas.PersonaGrain");
        Assert.NotNull(persona["GetState"]);
    }

    [Fact]
    public async Task The_page_renders_in_headless_Chromium()
    {
        var dashboard = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var router = RouterProcess.Start(new Dictionary<string, string> { ["ROUTER_ENV"] = "local", ["DASHBOARD_ENDPOINT"] = dashboard.Authority });
        await router.WaitForHealthyAsync();
        var screenshot = Path.Combine(Path.GetTempPath(), $"dashboard-{Guid.NewGuid():N}.png");
        try
        {
            // The page is a script-built app: the DOM after the scripts ran must show the cluster it fetched.
            var dom = await ChromiumAsync("--dump-dom", new Uri(dashboard, "/dashboard/").AbsoluteUri);
            Assert.Contains("Silos", dom, StringComparison.Ordinal);
            await ChromiumAsync($"--screenshot={screenshot}", new Uri(dashboard, "/dashboard/").AbsoluteUri);
            var png = await File.ReadAllBytesAsync(screenshot);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
            Assert.True(png.Length > 20_000, $"a {png.Length}-byte screenshot is too small to show the dashboard");
        }
        finally
        {
            File.Delete(screenshot);
        }
    }

    /// <summary>Debian's chromium, headless, given the page five seconds of virtual time to load and fetch.</summary>
    private static async Task<string> ChromiumAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1400,1000", "--virtual-time-budget=5000", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var chromium = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("chromium did not start (ops/test.sh installs it)");
        var output = chromium.StandardOutput.ReadToEndAsync();
        var errors = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await chromium.WaitForExitAsync(timeout.Token);
        Assert.True(chromium.ExitCode == 0, await errors);
        return await output;
    }

    [Fact]
    public async Task With_credentials_every_request_needs_them()
    {
        var dashboard = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var router = RouterProcess.Start(new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["DASHBOARD_ENDPOINT"] = dashboard.Authority,
            ["DASHBOARD_USERNAME"] = "ops",
            ["DASHBOARD_PASSWORD"] = "dashboard-password-e2e",
        });
        await router.WaitForHealthyAsync();

        using var anonymous = await Http.GetAsync(new Uri(dashboard, "/dashboard/"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(dashboard, "/dashboard/version", "ops:wrong-password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(dashboard, "/dashboard/version", "ops:dashboard-password-e2e")).StatusCode);
        Assert.DoesNotContain("dashboard-password-e2e", router.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(Uri dashboard, string path, string credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(dashboard, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return await Http.SendAsync(request);
    }

    /// <summary>The dashboard's grain state view answers with a JSON string holding the state as JSON.</summary>
    private static async Task<JsonObject> GrainStateAsync(Uri dashboard, string grainId, string grainType)
    {
        var answer = await Http.GetStringAsync(new Uri(dashboard, $"/dashboard/GrainState?grainId={grainId}&grainType={grainType}"));
        var node = JsonNode.Parse(answer)!;
        return (JsonObject)(node is JsonValue text ? JsonNode.Parse(text.GetValue<string>())! : node);
    }
}
