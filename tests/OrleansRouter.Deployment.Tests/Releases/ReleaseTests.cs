using System.Globalization;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Releases;

/// <summary>
/// Releases as the runbook's VM path uses them: two made by <c>ops/release.sh</c> from two commits of a copy of this
/// tree, installed side by side by <c>ops/install-release.sh</c> under a prefix of their own, on an active/standby
/// pair on Redis, while users keep writing. systemd is not PID 1 on this machine, so the unit restart is
/// <c>restart.sh</c>: the same stop-wait-start, with the unit's environment files (see <c>supervise.sh</c>).
/// </summary>
public sealed class ReleaseTests : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);
    private static readonly string[] Instances = ["standby", "active"];
    private static readonly long[] Chats = [101, 102, 103, 104, 105, 106];

    private readonly string _directory = Directory.CreateTempSubdirectory("router-release-").FullName;
    private string Repository => Path.Combine(_directory, "repository");
    private string Dist => Path.Combine(_directory, "dist");
    private string Prefix => Path.Combine(_directory, "opt");
    private string ConfigDirectory => Path.Combine(_directory, "etc");
    private string State => Path.Combine(_directory, "state");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances.Where(_ => Directory.Exists(State)))
        {
            await File.WriteAllTextAsync(Path.Combine(State, $"{instance}.stop"), "");
            if (File.Exists(Path.Combine(State, $"{instance}.supervisor")))
            {
                var group = (await File.ReadAllTextAsync(Path.Combine(State, $"{instance}.supervisor"))).Trim();
                await Command.RunAsync("kill", ["-KILL", "--", $"-{group}"], TimeSpan.FromSeconds(10));
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_release_is_made_only_from_a_clean_tree_and_carries_its_checksums_lock_hash_and_SBOM()
    {
        var first = await CommitAsync("first");
        var (tarball, made) = await ReleaseAsync(first, "--sign");

        // Signing is wired in; where cosign is missing the release says it is unsigned rather than failing.
        if (await Command.RunAsync("bash", ["-c", "command -v cosign"], TimeSpan.FromSeconds(10)) is { ExitCode: 0 })
        {
            Assert.True(File.Exists($"{tarball}.sig"), made.ToString());
        }
        else
        {
            Assert.Contains("cosign is not installed; the release is not signed", made.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await RunAsync("sha256sum", ["-c", $"{Path.GetFileName(tarball)}.sha256"], Dist)).ExitCode);
        var tree = Path.Combine(_directory, "unpacked");
        Directory.CreateDirectory(tree);
        Assert.Equal(0, (await RunAsync("tar", ["-xzf", tarball, "-C", tree, "--strip-components=1"])).ExitCode);
        Assert.Equal(0, (await RunAsync("sha256sum", ["-c", "--quiet", "SHA256SUMS"], tree)).ExitCode);

        var release = ReleaseFile(tree);
        Assert.Equal(first, release["id"]);
        var lockHash = await RunAsync("dotnet", [Path.Combine(tree, "router", "orleans-router.dll"), "--print-lock-hash"]);
        Assert.Equal(lockHash.StandardOutput.Trim(), (await File.ReadAllTextAsync(Path.Combine(tree, "LOCK_SHA256"))).Trim());
        Assert.Equal(lockHash.StandardOutput.Trim(), release["lock_sha256"]);

        var sbom = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(tree, "sbom.cdx.json")))!;
        Assert.Equal("CycloneDX", sbom["bomFormat"]!.GetValue<string>());
        var components = sbom["components"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("Microsoft.Orleans.Server", components);
        Assert.Contains("Telegram.Bot", components);
        Assert.DoesNotContain("xunit.v3", components);

        await File.AppendAllTextAsync(Path.Combine(Repository, "README.md"), "\nan uncommitted line\n");
        var dirty = await RunAsync("bash", [Path.Combine(Repository, "ops", "release.sh"), "--out", Dist, "--image", "no"], Repository, expectedExitCode: 2);
        Assert.Contains("uncommitted changes", dirty.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_upgrade_and_rollback_each_end_healthy_on_the_chosen_release_and_lose_nothing_in_flight()
    {
        var first = await CommitAsync("first");
        var (firstTarball, _) = await ReleaseAsync(first);
        var second = await CommitAsync("second");
        var (secondTarball, _) = await ReleaseAsync(second);

        await using var redis = await RedisServer.StartAsync(durable: true);
        await using var telegram = await BotApiEmulator.StartAsync();
        await using var agent = await A2ATestAgent.StartAsync();
        var ports = WriteConfiguration(redis, telegram, agent);

        await InstallAsync(firstTarball);
        await AssertRunningAsync(ports, first);

        await using var load = Load.Start(telegram, Chats, TimeSpan.FromMilliseconds(100));
        await InstallAsync(secondTarball);
        await AssertRunningAsync(ports, second);
        Assert.Equal([$"{second} (current)", $"{first} (previous)"], (await InstallReleaseAsync("--list")).StandardOutput.Trim().Split('\n'));

        await InstallReleaseAsync("--rollback");
        await AssertRunningAsync(ports, first);
        Assert.Equal([$"{second} (previous)", $"{first} (current)"], (await InstallReleaseAsync("--list")).StandardOutput.Trim().Split('\n'));

        await load.StopAsync();
        await load.AllAnsweredAsync(TimeSpan.FromMinutes(2));
        var reckoning = load.Reckon();
        Assert.True(reckoning.Posted > 100, $"the load ran through the upgrade and the rollback ({reckoning})");
        Assert.Equal(0, reckoning.Lost);
        Assert.Equal(0, reckoning.Duplicates);
        Assert.Equal(0, reckoning.OutOfOrder);
    }

    [Fact]
    public async Task A_damaged_artifact_is_refused_and_changes_nothing()
    {
        var first = await CommitAsync("first");
        var (tarball, _) = await ReleaseAsync(first);
        await File.AppendAllTextAsync(tarball, "tampered");

        var refused = await InstallReleaseAsync(tarball, expectedExitCode: 2);

        Assert.Contains("does not match its .sha256", refused.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Prefix, "current")));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(Prefix, "releases")));
        Assert.Contains("no previous release", (await InstallReleaseAsync("--rollback", expectedExitCode: 2)).StandardError, StringComparison.Ordinal);
    }

    /// <summary>Commits the working tree of this repository (tracked and new files alike) into the copy; returns the SHA.</summary>
    private async Task<string> CommitAsync(string name)
    {
        if (!Directory.Exists(Repository))
        {
            var root = RouterProcess.RepositoryRoot();
            Directory.CreateDirectory(Repository);
            await RunAsync("bash", ["-c", $"git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t '{Repository}'"], root);

            // The publish is keyed by the sources' hash: the copy reuses the one made for this tree, if it is current.
            await RunAsync("bash", ["-c", "source ops/lib.sh && router_publish \"$PWD\" \"$PWD/.build/router\""], root);
            await RunAsync("cp", ["-a", Path.Combine(root, ".build", "router"), Path.Combine(Repository, ".build", "router")], root, create: Path.Combine(Repository, ".build"));
            await RunAsync("git", ["init", "-q"], Repository);
        }
        else
        {
            await File.AppendAllTextAsync(Path.Combine(Repository, "docs", "development.md"), $"\n<!-- {name} -->\n");
        }

        await RunAsync("git", ["add", "-A"], Repository);
        await RunAsync("git", ["-c", "user.name=release test", "-c", "user.email=release@test.invalid", "commit", "-q", "-m", name], Repository);
        return (await RunAsync("git", ["rev-parse", "HEAD"], Repository)).StandardOutput.Trim();
    }

    private async Task<(string Tarball, CommandResult Output)> ReleaseAsync(string sha, params string[] options)
    {
        var made = await RunAsync("bash", [Path.Combine(Repository, "ops", "release.sh"), "--out", Dist, "--image", "no", .. options], Repository);
        var tarball = Path.Combine(Dist, $"orleans-router-{sha}.tar.gz");
        Assert.True(File.Exists(tarball), $"release.sh made {tarball}");
        return (tarball, made);
    }

    private async Task InstallAsync(string tarball)
    {
        var installed = await InstallReleaseAsync(tarball);
        Assert.Contains("not verified", installed.StandardError, StringComparison.Ordinal);
    }

    private Task<CommandResult> InstallReleaseAsync(string what, int expectedExitCode = 0)
    {
        var restart = Path.Combine(AppContext.BaseDirectory, "Releases", "restart.sh");
        return RunAsync(
            "bash",
            [
                Path.Combine(Repository, "ops", "install-release.sh"), what, "--prefix", Prefix, "--config-dir", ConfigDirectory,
                "--instances", string.Join(' ', Instances), "--timeout", "120",
                "--restart-command", $"bash {restart} {Prefix} {ConfigDirectory} {State} {{instance}}",
            ],
            _directory,
            expectedExitCode: expectedExitCode);
    }

    /// <summary>The unit's environment files: router.env, one per instance, secrets.env. Returns each instance's HTTP port.</summary>
    private Dictionary<string, int> WriteConfiguration(RedisServer redis, BotApiEmulator telegram, A2ATestAgent agent)
    {
        Directory.CreateDirectory(ConfigDirectory);
        Directory.CreateDirectory(State);
        var personas = Path.Combine(ConfigDirectory, "personas.json");
        File.WriteAllText(personas, $$"""{ "default_persona": "tester", "personas": { "tester": { "agent_url": "{{agent.BaseUrl.AbsoluteUri}}" } } }""");

        // `local` on the production shape (Redis, the live Bot API client): staging and production want real secrets.
        File.WriteAllText(Path.Combine(ConfigDirectory, "router.env"), "ROUTER_ENV=local\n");
        File.WriteAllText(Path.Combine(ConfigDirectory, "secrets.env"), $"""
            TELEGRAM_BOT_TOKEN={telegram.Token}
            TELEGRAM_TRANSPORT_MODE=live
            TELEGRAM_API_BASE_URL={telegram.BaseUrl.AbsoluteUri}
            PERSONA_MAP_FILE={personas}
            ORLEANS_CLUSTERING=redis
            ORLEANS_STORAGE=redis
            REDIS_CONNECTION_STRING={redis.ConnectionString}
            ORLEANS_CLUSTER_ID=release-{Guid.NewGuid():N}
            SILO_ADVERTISED_ADDRESS=127.0.0.1
            SHUTDOWN_DRAIN_SECONDS=5
            POLLER_LEASE_SECONDS=8
            CHAT_REMINDER_SECONDS=10
            HEALTH_PROBE_SECONDS=2
            TELEGRAM_SENDS_PER_SECOND=1000
            TELEGRAM_CHAT_SENDS_PER_SECOND=100
            DASHBOARD_ENDPOINT=off
            METRICS_ENDPOINT=off

            """);
        var ports = new Dictionary<string, int>();
        foreach (var instance in Instances)
        {
            ports[instance] = FreePort.Next();
            File.WriteAllText(Path.Combine(ConfigDirectory, $"{instance}.env"), string.Create(CultureInfo.InvariantCulture, $"""
                ROUTER_ACTIVE={(instance == "active" ? "true" : "false")}
                HTTP_ENDPOINT=127.0.0.1:{ports[instance]}
                SILO_PORT={FreePort.Next()}
                GATEWAY_PORT={FreePort.Next()}

                """));
        }

        return ports;
    }

    private async Task AssertRunningAsync(Dictionary<string, int> ports, string sha)
    {
        Assert.Equal(sha, Path.GetFileName(new DirectoryInfo(Path.Combine(Prefix, "current")).LinkTarget));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (instance, port) in ports)
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.IsSuccessStatusCode, $"{instance} is healthy: {body}");
            Assert.Equal(sha, body["build"]!["sha"]!.GetValue<string>());
        }
    }

    private static Dictionary<string, string> ReleaseFile(string tree) =>
        File.ReadAllLines(Path.Combine(tree, "RELEASE"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

    private async Task<CommandResult> RunAsync(string program, string[] args, string? directory = null, string? create = null, int expectedExitCode = 0)
    {
        if (create is not null)
        {
            Directory.CreateDirectory(create);
        }

        var result = await Command.RunAsync(program, args, ScriptTimeout, directory ?? _directory);
        Assert.True(result.ExitCode == expectedExitCode, $"{program} {string.Join(' ', args)} ended with {expectedExitCode}:\n{result}\n{Logs()}");
        return result;
    }

    private string Logs() =>
        Directory.Exists(State)
            ? string.Join("\n", Directory.EnumerateFiles(State, "*.log").Select(f => $"--- {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(40))}"))
            : "";
}
