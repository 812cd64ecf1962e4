using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>The operator's preflight commands, run as the runbook runs them: --check-config, --diff-config, --print-lock-hash.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private static readonly string[] SecretValues =
    [
        "123456789:AAE-e2e-secret-token-abcdefghijklmno",
        "agent-secret-e2e-0001",
        "redis-password-e2e-77",
        "salt-e2e-0123456789abcdef",
        "drain-token-e2e-5151",
        "webhook-secret-e2e-4242",
    ];

    /// <summary>Where the shipped projects are, in the order the runbook's <c>sha256sum grains/*/… src/*/…</c> lists them (each glob sorted by path).</summary>
    private static readonly string[] ShippedFolders = ["grains", "src"];

    private readonly string _directory = Directory.CreateTempSubdirectory("router-preflight-").FullName;

    /// <summary>Mutual TLS for the silo and gateway ports, which a production silo opens off loopback.</summary>
    private readonly TestTlsFiles _tls;

    public ConfigCommandTests()
    {
        using var ca = TestCertificateAuthority.Create("preflight-ca");
        _tls = ca.Issue(_directory, "silo");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A production file with every secret set; <paramref name="extra"/> lines add keys or replace them.</summary>
    private string ProductionFile(string name, params string[] extra)
    {
        Write("personas.json", """{ "default_persona": "p", "personas": { "p": { "agent_url": "https://agents.example.com/p", "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_P" } } } }""");
        var today = DateTimeOffset.UtcNow;
        string Day(int daysAgo) => today.AddDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string[] lines =
        [
            "ROUTER_ENV=production",
            "TELEGRAM_TRANSPORT_MODE=live",
            "ORLEANS_CLUSTERING=redis",
            "ORLEANS_STORAGE=redis",
            $"TELEGRAM_BOT_TOKEN={SecretValues[0]}",
            $"TELEGRAM_BOT_TOKEN_ROTATED_AT={Day(20)}",
            "PERSONA_MAP_FILE=personas.json",
            $"A2A_TOKEN_P={SecretValues[1]}",
            $"A2A_TOKEN_P_ROTATED_AT={Day(100)}",
            $"REDIS_CONNECTION_STRING=redis.internal:6379,password={SecretValues[2]}",
            $"CHAT_ID_HASH_SALT={SecretValues[3]}",
            "LOG_FORWARD=tcp://logs.internal:1514",
            $"LOG_DRAIN_TOKEN={SecretValues[4]}",
            $"LOG_DRAIN_TOKEN_ROTATED_AT={Day(30)}",
            "SECRET_VERSION_TELEGRAM_BOT_TOKEN=12",
            .. _tls.Settings.Select(setting => $"{setting.Key}={setting.Value}"),
        ];
        static string Key(string line) => line[..line.IndexOf('=', StringComparison.Ordinal)];
        var replaced = extra.Select(Key).ToHashSet();
        return Write(name, string.Join("\n", lines.Where(line => !replaced.Contains(Key(line))).Concat(extra)) + "\n");
    }

    private static async Task<RouterProcess> RunAsync(params string[] args)
    {
        var router = RouterProcess.Start(new Dictionary<string, string>(), args);
        await router.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return router;
    }

    [Fact]
    public async Task A_valid_configuration_passes_with_its_manifest_hash_and_no_secret_printed()
    {
        await using var check = await RunAsync("--check-config", "--env-file", ProductionFile("production.env"));

        Assert.Equal(0, await check.WaitForExitAsync(TimeSpan.FromSeconds(1)));
        var summary = Assert.Single(check.EventsNamed("config.checked"));
        Assert.Equal("valid", summary["status"]!.GetValue<string>());
        Assert.Matches("^sha256:[0-9a-f]{64}$", summary["config_manifest_hash"]!.GetValue<string>());
        Assert.Contains(check.StandardError, line => line.Contains("the configuration is valid", StringComparison.Ordinal));
        Assert.All(SecretValues, secret => Assert.DoesNotContain(secret, check.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_configuration_lists_every_problem_as_an_event_exits_2_and_prints_no_secret()
    {
        var file = ProductionFile("broken.env",
            "QUEUE_MAX_DEPTH_PER_CHAT=0",
            "TELEGRAM_INGRESS=webhook",
            "TELEGRAM_WEBHOOK_URL=http://bot.example.com/hook",
            $"TELEGRAM_WEBHOOK_SECRET={SecretValues[5]}!",
            "ORLEANS_STORAGE=memory",
            "A2A_TOKEN_P_ROTATED_AT=2020-01-01");

        await using var check = await RunAsync("--check-config", "--env-file", file);

        Assert.Equal(2, await check.WaitForExitAsync(TimeSpan.FromSeconds(1)));
        var problems = check.EventsNamed("config.guard").ToList();
        Assert.Equal(
            ["TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "QUEUE_MAX_DEPTH_PER_CHAT", "ORLEANS_STORAGE", "ORLEANS_STORAGE", "A2A_TOKEN_P_ROTATED_AT", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT"],
            problems.Select(p => p["key"]!.GetValue<string>()));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p["problem"]?.GetValue<string>()) || string.IsNullOrWhiteSpace(p["hint"]?.GetValue<string>())));
        Assert.Equal("invalid", Assert.Single(check.EventsNamed("config.checked"))["status"]!.GetValue<string>());
        Assert.Contains(check.StandardError, line => line.Contains("the configuration has 6 problems and 1 warning", StringComparison.Ordinal));
        Assert.All(SecretValues, secret => Assert.DoesNotContain(secret, check.Output, StringComparison.Ordinal));
    }

    /// <summary>
    /// The runbook's local bootstrap on a copy of the catalog: <c>cp .env.example .env</c>, the stub appended, then
    /// the config guard. ROUTER_ENV comes from the process (as <c>ops/start-silo.sh local</c> sets it) or from a line
    /// appended to the file (as docs/runbook.md does).
    /// </summary>
    [Theory]
    [InlineData("process")]
    [InlineData("file")]
    public async Task A_copied_catalog_with_the_stub_appended_passes_the_local_guard(string routerEnvFrom)
    {
        var env = Path.Combine(_directory, ".env");
        File.Copy(Path.Combine(RouterProcess.RepositoryRoot(), ".env.example"), env);
        File.AppendAllText(env, (routerEnvFrom == "file" ? "ROUTER_ENV=local\n" : "") + "TELEGRAM_TRANSPORT_MODE=stub\n");
        var process = routerEnvFrom == "process" ? new Dictionary<string, string> { ["ROUTER_ENV"] = "local" } : [];

        await using var check = RouterProcess.Start(process, "--check-config", "--env-file", env);

        Assert.True(await check.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, check.Output);
        var summary = Assert.Single(check.EventsNamed("config.checked"));
        Assert.Equal("valid", summary["status"]!.GetValue<string>());
        Assert.Empty(check.EventsNamed("config.guard"));
        Assert.Contains(check.StandardError, line => line.StartsWith("orleans-router: the configuration is valid (0 warnings); manifest sha256:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staging_takes_the_stub_for_a_dry_run_with_a_warning_and_production_refuses_it()
    {
        var staging = ProductionFile("staging.env", "ROUTER_ENV=staging", "TELEGRAM_TRANSPORT_MODE=stub");
        var production = ProductionFile("production.env", "TELEGRAM_TRANSPORT_MODE=stub");

        await using var dryRun = await RunAsync("--check-config", "--env-file", staging);
        await using var refused = await RunAsync("--check-config", "--env-file", production);

        Assert.True(await dryRun.WaitForExitAsync(TimeSpan.FromSeconds(1)) == 0, dryRun.Output);
        var warning = Assert.Single(dryRun.EventsNamed("config.guard"));
        Assert.Equal(("TELEGRAM_TRANSPORT_MODE", "warning", "Warning"), (warning["key"]!.GetValue<string>(), warning["status"]!.GetValue<string>(), warning["level"]!.GetValue<string>()));
        Assert.StartsWith("stub mode: a dry run; nothing reaches Telegram", warning["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("valid", Assert.Single(dryRun.EventsNamed("config.checked"))["status"]!.GetValue<string>());

        Assert.Equal(2, await refused.WaitForExitAsync(TimeSpan.FromSeconds(1)));
        var error = Assert.Single(refused.EventsNamed("config.guard"));
        Assert.Equal(("TELEGRAM_TRANSPORT_MODE", "error"), (error["key"]!.GetValue<string>(), error["status"]!.GetValue<string>()));
        Assert.All(SecretValues, secret => Assert.DoesNotContain(secret, dryRun.Output + refused.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diff_config_lists_the_changes_and_max_diff_is_the_promotion_gate()
    {
        var staging = ProductionFile("staging.env", "ORLEANS_CLUSTER_ID=router-staging");
        var production = ProductionFile("production.env", "ORLEANS_CLUSTER_ID=router-production", "QUEUE_MAX_DEPTH_PER_CHAT=50", "A2A_TOKEN_P=agent-secret-e2e-0002");

        await using var diff = await RunAsync("--diff-config", "--env-file", production, "--against", staging, "--json");
        await using var gated = await RunAsync("--diff-config", "--env-file", production, "--against", staging, "--max-diff", "2%");
        await using var loose = await RunAsync("--diff-config", "--env-file", production, "--against", staging, "--max-diff", "50%");

        Assert.Equal(0, await diff.WaitForExitAsync(TimeSpan.FromSeconds(1)));
        var report = (JsonObject)JsonNode.Parse(diff.StandardOutput)!;
        var changes = report["changes"]!.AsArray().Select(c => (c!["key"]!.GetValue<string>(), c["change"]!.GetValue<string>(), c["before"]?.GetValue<string>(), c["after"]?.GetValue<string>())).ToList();
        Assert.Equal(
            [
                ("A2A_TOKEN_P", "changed", null, null),
                ("ORLEANS_CLUSTER_ID", "changed", "router-staging", "router-production"),
                ("QUEUE_MAX_DEPTH_PER_CHAT", "changed", "100", "50"),
            ],
            changes);
        var share = report["share_changed"]!.GetValue<double>();
        Assert.InRange(share, 0.02, 0.5);
        Assert.DoesNotContain("agent-secret-e2e-000", diff.Output, StringComparison.Ordinal);

        Assert.Equal(3, await gated.WaitForExitAsync(TimeSpan.FromSeconds(1)));
        Assert.Contains(gated.StandardError, line => line.Contains("differ by more than --max-diff", StringComparison.Ordinal));
        Assert.Equal(0, await loose.WaitForExitAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task The_lock_hash_is_the_runbooks_checksum_of_the_shipped_lock_files()
    {
        await using var print = await RunAsync("--print-lock-hash");

        var root = RouterProcess.RepositoryRoot();
        var files = ShippedFolders
            .SelectMany(folder => Directory.GetDirectories(Path.Combine(root, folder))
                .Select(project => Path.GetRelativePath(root, Path.Combine(project, "packages.lock.json")))
                .Order(StringComparer.Ordinal))
            .Where(file => File.Exists(Path.Combine(root, file)));
        var lines = string.Concat(files.Select(file => $"{Hex(File.ReadAllBytes(Path.Combine(root, file)))}  {file}\n"));
        Assert.Equal(0, await print.WaitForExitAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(Hex(Encoding.UTF8.GetBytes(lines)), print.StandardOutput.Trim());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
