using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Systemd;

/// <summary>
/// The unit's ExecStartPre and ExecStart, run as systemd would run them for orleans-router@standby and @active
/// (<see cref="UnitSandbox"/>: systemd is not PID 1 on this machine), on a staged release installed as
/// /opt/orleans-router/current, with the example env files of deploy/systemd (ports moved to free loopback ones) and
/// a secrets.env of the test's parts: Redis, the Bot API emulator, an A2A test agent. <c>ROUTER_ENV</c> is the
/// example's <c>production</c>. The silos advertise 127.0.0.1: tests send traffic to loopback only (so the unit's
/// AF_NETLINK, which a silo needs to find its own address when none is set, is not exercised here).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnitCommandLineTests : IDisposable
{
    private static readonly string Repository = RouterProcess.RepositoryRoot();
    private static readonly SystemdUnit Unit = SystemdUnit.Parse(File.ReadAllText(Path.Combine(Repository, "deploy", "systemd", "orleans-router@.service")));
    private static readonly string[] Instances = ["standby", "active"];

    private readonly string _directory = Directory.CreateTempSubdirectory("router-unit-").FullName;

    public UnitCommandLineTests() =>
        File.SetUnixFileMode(_directory, (UnixFileMode)Convert.ToInt32("755", 8));

    private string Etc => Path.Combine(_directory, "etc", "orleans-router");

    private string Opt => Path.Combine(_directory, "opt", "orleans-router");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_units_command_lines_bring_the_pair_up_on_the_release_and_SIGTERM_drains_each_within_the_stop_timeout()
    {
        var (id, release) = await InstallAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var telegram = await BotApiEmulator.StartAsync();
        await using var agent = await A2ATestAgent.StartAsync();
        var tls = IssueTls();
        WriteConfiguration($"""
            {string.Join("\n", tls.Settings.Where(s => s.Key != "ORLEANS_TLS").Select(s => $"{s.Key}={s.Value}"))}
            TELEGRAM_BOT_TOKEN={telegram.Token}
            TELEGRAM_BOT_TOKEN_ROTATED_AT={DateTime.UtcNow:yyyy-MM-dd}
            TELEGRAM_API_BASE_URL={telegram.BaseUrl.AbsoluteUri}
            REDIS_CONNECTION_STRING={redis.ConnectionString}
            CHAT_ID_HASH_SALT={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}
            PERSONA_MAP_FILE={Path.Combine(Etc, "personas.json")}
            SILO_ADVERTISED_ADDRESS=127.0.0.1
            """, agent);
        var sandbox = await UnitSandbox.CreateAsync(Unit, Etc, Opt, _directory);

        var silos = new Dictionary<string, RouterProcess>();
        try
        {
            foreach (var instance in Instances)
            {
                var guard = await RunAsync(sandbox, "ExecStartPre", instance);
                Assert.True(guard.ExitCode == 0, $"ExecStartPre of {instance} passes:\n{guard}");
                Assert.Contains("\"event\":\"config.checked\"", guard.StandardOutput, StringComparison.Ordinal);

                var (program, args) = sandbox.Invocation("ExecStart", instance);
                var environment = sandbox.Environment(instance);
                silos[instance] = RouterProcess.StartProgram(program, new Dictionary<string, string> { ["HTTP_ENDPOINT"] = environment["HTTP_ENDPOINT"] }, args);
                var health = await silos[instance].WaitForHealthyAsync(TimeSpan.FromMinutes(3));

                Assert.Equal(id, health["build"]!["sha"]!.GetValue<string>());
                var audit = Assert.Single(silos[instance].EventsNamed("deploy.audit"));
                Assert.Equal(ReleaseStage.Digest(release), audit["image_digest"]!.GetValue<string>());
                Assert.Equal("production", audit["env"]!.GetValue<string>());
                Assert.Contains($"Uid:\t{65534}\t", File.ReadAllText($"/proc/{silos[instance].Id}/status"), StringComparison.Ordinal);
            }

            // One cluster: a message reaches the agent through the active silo and its reply reaches the chat.
            telegram.Post(4242, "hello from the unit");
            await Wait.UntilAsync(
                () => telegram.SentTo(4242).Any(m => m.Text.Contains("hello from the unit", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(2),
                () => $"the reply:\n{string.Join("\n", silos.Values.Select(s => s.Output))}");

            var timeout = TimeSpan.FromSeconds(int.Parse(Unit.Single("Service", "TimeoutStopSec"), CultureInfo.InvariantCulture));
            foreach (var instance in Enumerable.Reverse(Instances))
            {
                var stopping = Stopwatch.StartNew();
                silos[instance].Terminate();
                Assert.Equal(0, await silos[instance].WaitForExitAsync(timeout));
                Assert.True(stopping.Elapsed < timeout, $"{instance} stopped in {stopping.Elapsed}, within TimeoutStopSec");
                Assert.NotEmpty(silos[instance].EventsNamed("router.drained"));
            }
        }
        finally
        {
            foreach (var silo in silos.Values)
            {
                await silo.DisposeAsync();
            }
        }

        // The release ran the build it carries: nothing was built or written into it.
        Assert.False(Directory.Exists(Path.Combine(release, ".build")));
        Assert.All(silos.Values, silo => Assert.DoesNotContain("building the router", silo.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configuration_the_guard_refuses_fails_ExecStartPre_with_exit_code_2_and_its_reasons()
    {
        await InstallAsync();
        await using var agent = await A2ATestAgent.StartAsync();
        WriteConfiguration($"""
            REDIS_CONNECTION_STRING=127.0.0.1:{FreePort.Next()}
            PERSONA_MAP_FILE={Path.Combine(Etc, "personas.json")}
            SILO_ADVERTISED_ADDRESS=127.0.0.1
            """, agent);
        var sandbox = await UnitSandbox.CreateAsync(Unit, Etc, Opt, _directory);

        var guard = await RunAsync(sandbox, "ExecStartPre", "active");

        Assert.True(guard.ExitCode == 2, $"ExecStartPre refuses:\n{guard}");
        Assert.Contains("\"key\":\"TELEGRAM_BOT_TOKEN\"", guard.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"key\":\"CHAT_ID_HASH_SALT\"", guard.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("the config guard refused the configuration", guard.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// /etc/orleans-router/tls as the README lays it out (production.env turns mutual TLS on), made for the test; the
    /// key readable by the sandbox's <c>nobody</c>, as the README's group does for the unit's user.
    /// </summary>
    private TestTlsFiles IssueTls()
    {
        using var ca = TestCertificateAuthority.Create("unit-ca");
        var tls = ca.Issue(Directory.CreateDirectory(Path.Combine(Etc, "tls")).FullName, "silo");
        File.SetUnixFileMode(tls.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return tls;
    }

    /// <summary>A release staged into /opt/orleans-router/releases/&lt;id&gt; with <c>current</c> pointing at it.</summary>
    private async Task<(string Id, string Release)> InstallAsync()
    {
        var id = ReleaseStage.NewId();
        var release = await ReleaseStage.StageAsync(Path.Combine(Opt, "releases", id), id);
        File.CreateSymbolicLink(Path.Combine(Opt, "current"), Path.Combine("releases", id));
        return (id, release);
    }

    /// <summary>
    /// /etc/orleans-router as the README lays it out: router.env and the instances' env files from the examples
    /// (their ports moved to free loopback ports), <paramref name="secrets"/> as secrets.env (0600), the persona map.
    /// </summary>
    private void WriteConfiguration(string secrets, A2ATestAgent agent)
    {
        Directory.CreateDirectory(Etc);
        var examples = Path.Combine(Repository, "deploy", "systemd");
        File.Copy(Path.Combine(examples, "router.env"), Path.Combine(Etc, "router.env"));
        foreach (var instance in Instances)
        {
            var moved = new List<string>();
            var lines = File.ReadAllLines(Path.Combine(examples, $"{instance}.env")).Select(line => line.Split('=', 2) switch
            {
                [("HTTP_ENDPOINT" or "DASHBOARD_ENDPOINT" or "METRICS_ENDPOINT") and var key, _] => Moved(moved, key, $"127.0.0.1:{FreePort.Next()}"),
                [("SILO_PORT" or "GATEWAY_PORT") and var key, _] => Moved(moved, key, FreePort.Next().ToString(CultureInfo.InvariantCulture)),
                _ => line,
            });
            File.WriteAllLines(Path.Combine(Etc, $"{instance}.env"), lines);
            Assert.Equal(5, moved.Count);
        }

        var secretsFile = Path.Combine(Etc, "secrets.env");
        File.WriteAllText(secretsFile, secrets + "\n");
        File.SetUnixFileMode(secretsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(Etc, "personas.json"),
            $$"""{ "default_persona": "tester", "personas": { "tester": { "agent_url": "{{agent.BaseUrl.AbsoluteUri}}" } } }""");
    }

    private static string Moved(List<string> moved, string key, string value)
    {
        moved.Add(key);
        return $"{key}={value}";
    }

    private static Task<CommandResult> RunAsync(UnitSandbox sandbox, string key, string instance)
    {
        var (program, args) = sandbox.Invocation(key, instance);
        return Command.RunAsync(program, args, TimeSpan.FromMinutes(2));
    }
}
