using System.Globalization;
using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Image;

/// <summary>
/// The image as it would start: the release tree its build stage lays out (<c>ops/stage-release.sh</c>), run through
/// its <c>ENTRYPOINT</c> with its <c>ENV</c>, the ports moved to free ones as a container's own network would leave
/// them free. The secrets come as the runbook passes them, in a file (<c>ROUTER_SECRETS_FILE</c>).
/// </summary>
public sealed class ImageEntrypointTests : IAsyncLifetime
{
    private const string BuildSha = "image-test-0123abc";

    private static readonly Containerfile Image = Containerfile.Load();

    private readonly string _directory = Directory.CreateTempSubdirectory("router-image-").FullName;

    private string App => Path.Combine(_directory, "app");

    public async ValueTask InitializeAsync() => await ReleaseStage.StageAsync(App, BuildSha);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_bad_configuration_stops_the_container_with_exit_code_2_before_a_silo_starts()
    {
        var secrets = Secrets("TELEGRAM_BOT_TOKEN=not-a-token\nQUEUE_MAX_DEPTH_PER_CHAT=0\n");

        await using var container = Start(secrets);

        Assert.Equal(2, await container.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains(container.EventsNamed("config.guard"), e => e["key"]!.GetValue<string>() == "QUEUE_MAX_DEPTH_PER_CHAT");
        Assert.Contains(container.EventsNamed("config.guard"), e => e["key"]!.GetValue<string>() == "TELEGRAM_BOT_TOKEN");
        Assert.Empty(container.EventsNamed("router.starting"));
    }

    [Fact]
    public async Task A_secrets_file_named_but_missing_is_refused()
    {
        await using var container = Start(Path.Combine(_directory, "absent.env"));

        Assert.Equal(2, await container.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains(container.StandardError, line => line.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_starts_from_the_images_configuration_with_its_build_sha_and_joins_the_cluster_a_VM_silo_joins()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var telegram = await BotApiEmulator.StartAsync();
        await using var agent = await A2ATestAgent.StartAsync();
        var secrets = Secrets(ProductionSecrets(redis, telegram, agent));

        await using var container = Start(secrets);
        await container.WaitForHealthyAsync(TimeSpan.FromMinutes(2));

        // The image's silo and one started the VM way, from a checkout with the same secrets, form one cluster.
        var vmEnvironment = Ports();
        vmEnvironment["SILO_ADVERTISED_ADDRESS"] = "127.0.0.1";
        await using var vm = RouterProcess.StartSiloScript("production", vmEnvironment, "--env-file", secrets);
        await vm.WaitForHealthyAsync(TimeSpan.FromMinutes(6));

        var starting = Assert.Single(container.EventsNamed("router.starting"));
        Assert.Equal("orleans-router-production", starting["cluster_id"]!.GetValue<string>());
        Assert.Equal("orleans-router-production", Assert.Single(vm.EventsNamed("router.starting"))["cluster_id"]!.GetValue<string>());
        // Every line of the silo's (the guard's own summary, printed before, describes the configuration, not a build).
        Assert.All(container.Events.SkipWhile(e => e["event"]?.GetValue<string>() != "router.starting"), e => Assert.Equal(BuildSha, e["build_sha"]?.GetValue<string>()));

        var queues = await Command.RunAsync("bash", [Path.Combine(App, "ops", "router.sh"), "--inspect-queue", "--json", "--env-file", Path.Combine(App, "deploy", "configs", "production.env"), "--env-file", secrets], TimeSpan.FromMinutes(2));
        Assert.True(queues.ExitCode == 0, queues.ToString());
        Assert.Equal(2, System.Text.Json.Nodes.JsonNode.Parse(queues.StandardOutput)!["silos"]!.AsArray().Count);

        telegram.Post(7, "through the image");
        await telegram.WaitUntilAsync(t => t.SentTo(7).Count > 0, TimeSpan.FromSeconds(60), "a reply in chat 7");
        Assert.Equal("reply: through the image", telegram.SentTo(7)[0].Text);
    }

    /// <summary>The entrypoint, with the image's environment (ports moved) and a secrets file.</summary>
    private RouterProcess Start(string secretsFile)
    {
        var environment = new Dictionary<string, string>(Image.Environment(new Dictionary<string, string> { ["BUILD_SHA"] = BuildSha }));
        foreach (var (key, value) in Ports())
        {
            environment[key] = value;
        }

        environment["ROUTER_SECRETS_FILE"] = secretsFile;
        var entrypoint = Image.Entrypoint.Single().Replace(Image.WorkingDirectory, App, StringComparison.Ordinal);
        return RouterProcess.StartProgram("bash", environment, entrypoint);
    }

    private static Dictionary<string, string> Ports() => new()
    {
        ["HTTP_ENDPOINT"] = $"127.0.0.1:{FreePort.Next()}",
        ["DASHBOARD_ENDPOINT"] = $"127.0.0.1:{FreePort.Next()}",
        ["METRICS_ENDPOINT"] = $"127.0.0.1:{FreePort.Next()}",
        ["SILO_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["GATEWAY_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };

    private string ProductionSecrets(RedisServer redis, BotApiEmulator telegram, A2ATestAgent agent)
    {
        var personas = Path.Combine(_directory, "personas.json");
        File.WriteAllText(personas, $$"""{ "default_persona": "p", "personas": { "p": { "agent_url": "{{agent.BaseUrl.AbsoluteUri}}" } } }""");
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // production.env turns on mutual TLS on the silo and gateway ports: the files a Secret would mount, made here.
        using var ca = TestCertificateAuthority.Create("image-ca");
        var tls = ca.Issue(_directory, "silo");
        return $"""
            ORLEANS_TLS_CERTIFICATE_FILE={tls.CertificateFile}
            ORLEANS_TLS_KEY_FILE={tls.KeyFile}
            ORLEANS_TLS_CA_FILE={tls.CaFile}
            TELEGRAM_BOT_TOKEN={telegram.Token}
            TELEGRAM_BOT_TOKEN_ROTATED_AT={today}
            TELEGRAM_API_BASE_URL={telegram.BaseUrl.AbsoluteUri}
            PERSONA_MAP_FILE={personas}
            REDIS_CONNECTION_STRING={redis.ConnectionString}
            CHAT_ID_HASH_SALT=image-test-salt-0123456789
            SILO_ADVERTISED_ADDRESS=127.0.0.1
            HEALTH_PROBE_SECONDS=2

            """;
    }

    private string Secrets(string text)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.env");
        File.WriteAllText(path, text);
        return path;
    }
}
