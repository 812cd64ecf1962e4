using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// The Orleans dashboard on a port of its own: the page, a chat's and a persona's grain state, its credentials, the
/// throttle of wrong passwords, and HTTPS.
/// </summary>
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

    /// <summary>A local router whose dashboard on <paramref name="dashboard"/> asks for ops / dashboard-password-e2e.</summary>
    private static async Task<RouterProcess> StartWithCredentialsAsync(Uri dashboard)
    {
        var router = RouterProcess.Start(new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["DASHBOARD_ENDPOINT"] = dashboard.Authority,
            ["DASHBOARD_USERNAME"] = "ops",
            ["DASHBOARD_PASSWORD"] = "dashboard-password-e2e",
        });
        try
        {
            await router.WaitForHealthyAsync();
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task With_credentials_every_request_needs_them()
    {
        var dashboard = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var router = await StartWithCredentialsAsync(dashboard);

        using var anonymous = await Http.GetAsync(new Uri(dashboard, "/dashboard/"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(dashboard, "/dashboard/version", "ops:wrong-password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(dashboard, "/dashboard/version", "ops:dashboard-password-e2e")).StatusCode);
        Assert.DoesNotContain("dashboard-password-e2e", router.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_are_slowed_down_ever_longer_and_the_right_one_works_once_the_wait_is_over()
    {
        var dashboard = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var router = await StartWithCredentialsAsync(dashboard);

        // A guesser: the first five wrong passwords are answered, then the address waits, its attempts unread.
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await SendAsync(dashboard, "/dashboard/version", $"ops:guess-{i}"));
        }

        var codes = answers.Select(a => (int)a.StatusCode).ToList();
        Assert.Equal(Enumerable.Repeat(401, 5), codes.Take(5));
        Assert.Contains(429, codes);
        Assert.True(codes.Count(c => c == 401) <= 7, string.Join(", ", codes));
        var throttled = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(throttled.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {throttled.Headers.RetryAfter}");

        // While it waits, even the right password is not looked at.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(dashboard, "/dashboard/version", "ops:dashboard-password-e2e")).StatusCode);

        // Once the wait is over, the next wrong password shuts the address out for longer than the last time.
        var last = throttled.Headers.RetryAfter!.Delta!.Value;
        await Traffic.WaitUntilAsync(
            async () => (await SendAsync(dashboard, "/dashboard/version", "ops:one-more-guess")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromMinutes(2),
            () => "the address stayed shut out");
        var longer = await SendAsync(dashboard, "/dashboard/version", "ops:dashboard-password-e2e");
        Assert.Equal(HttpStatusCode.TooManyRequests, longer.StatusCode);
        Assert.True(longer.Headers.RetryAfter?.Delta > last, $"Retry-After {longer.Headers.RetryAfter} after {last}");

        // The right password, after the wait, works and forgives: a typo after it is answered again.
        await Traffic.WaitUntilAsync(
            async () => (await SendAsync(dashboard, "/dashboard/version", "ops:dashboard-password-e2e")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromMinutes(2),
            () => "the right password was not taken");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(dashboard, "/dashboard/version", "ops:typo")).StatusCode);

        // /healthz takes the same credentials under the same throttle, so it is no way around it.
        using var health = new HttpRequestMessage(HttpMethod.Get, new Uri(router.HttpUrl, "/healthz"));
        health.Headers.Add("X-Forwarded-For", "203.0.113.9");
        health.Headers.Authorization = Basic("ops:dashboard-password-e2e");
        using var detailed = await Http.SendAsync(health);
        Assert.Equal(HttpStatusCode.OK, detailed.StatusCode);
        Assert.NotNull(JsonNode.Parse(await detailed.Content.ReadAsStringAsync())!["a2a"]!["personas"]);
    }

    [Fact]
    public async Task With_a_certificate_the_dashboard_port_serves_https_only()
    {
        var directory = Directory.CreateTempSubdirectory("router-dashboard-tls-").FullName;
        try
        {
            using var certificate = SelfSigned();
            var certificateFile = Path.Combine(directory, "dashboard.crt");
            var keyFile = Path.Combine(directory, "dashboard.key");
            File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
            using (var key = certificate.GetECDsaPrivateKey()!)
            {
                File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            }

            var port = FreePort.Next();
            await using var router = RouterProcess.Start(new Dictionary<string, string>
            {
                ["ROUTER_ENV"] = "local",
                ["DASHBOARD_ENDPOINT"] = $"127.0.0.1:{port}",
                ["DASHBOARD_USERNAME"] = "ops",
                ["DASHBOARD_PASSWORD"] = "dashboard-password-e2e",
                ["DASHBOARD_TLS_CERTIFICATE_FILE"] = certificateFile,
                ["DASHBOARD_TLS_KEY_FILE"] = keyFile,
            });
            await router.WaitForHealthyAsync();

            // Trust exactly the certificate the router was given.
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
            using var https = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"https://127.0.0.1:{port}/dashboard/version"));
            request.Headers.Authorization = Basic("ops:dashboard-password-e2e");
            using var version = await https.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, version.StatusCode);

            // Plain HTTP to that port gets no dashboard (Kestrel answers 400 to HTTP on a TLS port, or hangs up).
            try
            {
                using var plain = await SendAsync(new Uri($"http://127.0.0.1:{port}"), "/dashboard/version", "ops:dashboard-password-e2e");
                Assert.NotEqual(HttpStatusCode.OK, plain.StatusCode);
            }
            catch (HttpRequestException)
            {
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static AuthenticationHeaderValue Basic(string credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

    private static async Task<HttpResponseMessage> SendAsync(Uri dashboard, string path, string credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(dashboard, path));
        request.Headers.Authorization = Basic(credentials);
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
