using System.Globalization;
using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Systemd;

/// <summary>
/// <c>deploy/systemd/orleans-router@.service</c> as systemd reads it: <c>systemd-analyze verify</c> on the template
/// instantiated for the runbook's pair, in a root laid out as a VM install (a staged release under
/// /opt/orleans-router/releases with <c>current</c> pointing at it), and the unit's promises read from its text.
/// </summary>
public sealed class SystemdUnitTests : IDisposable
{
    private static readonly string Repository = RouterProcess.RepositoryRoot();
    private static readonly string UnitFile = Path.Combine(Repository, "deploy", "systemd", "orleans-router@.service");
    private static readonly SystemdUnit Unit = SystemdUnit.Parse(File.ReadAllText(UnitFile));
    private static readonly string[] Pair = ["active", "standby"];

    private readonly string _directory = Directory.CreateTempSubdirectory("router-systemd-").FullName;

    private string Root => Path.Combine(_directory, "root");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Systemd_analyze_verify_passes_for_the_active_and_the_standby_silo()
    {
        await LayOutRootAsync(File.ReadAllText(UnitFile));

        foreach (var instance in Pair)
        {
            var verify = await VerifyAsync(instance);

            Assert.True(verify.ExitCode == 0, $"systemd-analyze verify orleans-router@{instance}.service:\n{verify}");
            Assert.True(Complaints(verify).Count == 0, $"systemd-analyze says nothing about orleans-router@{instance}:\n{verify}");
        }
    }

    /// <summary>
    /// The check can fail: a bad value is only a warning to <c>systemd-analyze verify</c> (exit code 0), so the test
    /// also fails on every line that names the unit, and a missing executable or section fails it outright.
    /// </summary>
    [Theory]
    [InlineData("ProtectHome=yes", "ProtectHome=bogus")]
    [InlineData("Restart=on-failure", "Restart=sometimes")]
    [InlineData("TimeoutStopSec=45", "TimeoutStopSec=forty-five")]
    [InlineData("ExecStart=/opt/orleans-router/current/ops/start-silo.sh", "ExecStart=/opt/orleans-router/current/ops/start-silo")]
    [InlineData("[Service]", "[Servise]")]
    public async Task A_mutated_unit_fails_the_check(string setting, string mutation)
    {
        var text = File.ReadAllText(UnitFile);
        Assert.Contains(setting, text, StringComparison.Ordinal);
        await LayOutRootAsync(text.Replace(setting, mutation, StringComparison.Ordinal));

        var verify = await VerifyAsync("active");

        Assert.True(verify.ExitCode != 0 || Complaints(verify).Count > 0, $"the check fails on {mutation}:\n{verify}");
    }

    [Fact]
    public void The_guard_runs_first_and_then_the_release_build_through_start_silo()
    {
        var script = "/opt/orleans-router/current/ops/start-silo.sh";
        var environment = new Dictionary<string, string> { ["ROUTER_ENV"] = "production" };

        Assert.Equal([script, "production", "--check-only"], SystemdUnit.CommandLine(Unit.Single("Service", "ExecStartPre"), "active", environment));
        Assert.Equal([script, "production"], SystemdUnit.CommandLine(Unit.Single("Service", "ExecStart"), "active", environment));
        Assert.Equal("/opt/orleans-router/current", Unit.Single("Service", "WorkingDirectory"));

        // The published build a release carries, never the SDK.
        var commands = Unit.Settings.Where(s => s.Key.StartsWith("Exec", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.All(commands, command => Assert.DoesNotMatch(@"dotnet\s+(run|build|publish|restore)", command));
        Assert.Equal("exec", Unit.Single("Service", "Type"));
    }

    [Fact]
    public void The_environment_and_the_secrets_come_from_environment_files_shipped_as_examples()
    {
        Assert.Equal(
            ["/etc/orleans-router/router.env", "/etc/orleans-router/%i.env", "/etc/orleans-router/secrets.env"],
            Unit.Values("Service", "EnvironmentFile"));

        var examples = Path.Combine(Repository, "deploy", "systemd");
        var router = SystemdUnit.EnvironmentFile(File.ReadAllText(Path.Combine(examples, "router.env")));
        Assert.Equal([KeyValuePair.Create("ROUTER_ENV", "production")], router);
        foreach (var (instance, active) in new[] { ("active", "true"), ("standby", "false") })
        {
            var settings = SystemdUnit.EnvironmentFile(File.ReadAllText(Path.Combine(examples, $"{instance}.env"))).ToDictionary();
            Assert.Equal(active, settings["ROUTER_ACTIVE"]);
            Assert.Superset(new HashSet<string> { "HTTP_ENDPOINT", "SILO_PORT", "GATEWAY_PORT" }, settings.Keys.ToHashSet());
        }

        // The pair shares a VM: no port of one is a port of the other.
        var ports = Pair
            .SelectMany(instance => SystemdUnit.EnvironmentFile(File.ReadAllText(Path.Combine(examples, $"{instance}.env"))))
            .Where(setting => setting.Key is "HTTP_ENDPOINT" or "DASHBOARD_ENDPOINT" or "METRICS_ENDPOINT" or "SILO_PORT" or "GATEWAY_PORT")
            .Select(setting => setting.Value[(setting.Value.LastIndexOf(':') + 1)..])
            .ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Fact]
    public void SIGTERM_gets_longer_than_the_drain_and_the_scripts_own_kill_and_a_failure_restarts()
    {
        var production = SystemdUnit.EnvironmentFile(File.ReadAllText(Path.Combine(Repository, "deploy", "configs", "production.env"))).ToDictionary();
        var drain = int.Parse(production["SHUTDOWN_DRAIN_SECONDS"], CultureInfo.InvariantCulture);

        Assert.Equal("SIGTERM", Unit.Single("Service", "KillSignal"));
        Assert.True(Seconds(Unit.Single("Service", "TimeoutStopSec")) > drain + 10, $"TimeoutStopSec is above the drain ({drain} s) and start-silo.sh's kill 10 s later");
        Assert.Equal("on-failure", Unit.Single("Service", "Restart"));
        Assert.Equal("2", Unit.Single("Service", "RestartPreventExitStatus"));

        // A refused configuration fails ExecStartPre, which Restart= retries (RestartPreventExitStatus= sees the main
        // process only): the start limit must be reachable by those retries, or they go on forever.
        var burst = int.Parse(Unit.Single("Unit", "StartLimitBurst"), CultureInfo.InvariantCulture);
        Assert.True(burst * Seconds(Unit.Single("Service", "RestartSec")) < Seconds(Unit.Single("Unit", "StartLimitIntervalSec")),
            "StartLimitBurst retries, RestartSec apart, fit in StartLimitIntervalSec");
    }

    [Fact]
    public void The_silo_runs_hardened_as_an_unprivileged_user_without_capabilities()
    {
        foreach (var (key, value) in new[] { ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes") })
        {
            Assert.Equal(value, Unit.Single("Service", key));
        }

        Assert.Equal("", Unit.Single("Service", "CapabilityBoundingSet"));
        Assert.Equal("", Unit.Single("Service", "AmbientCapabilities"));

        var user = Unit.Single("Service", "User");
        Assert.False(user is "" or "root" or "0", $"User={user} is not root");
        var sysusers = File.ReadAllLines(Path.Combine(Repository, "deploy", "systemd", "orleans-router.sysusers.conf"));
        Assert.Contains(sysusers, line => line.StartsWith($"u {user} ", StringComparison.Ordinal));
    }

    /// <summary>A VM's root as the unit sees it: the system's unit files, the unit, and a release installed as current.</summary>
    private async Task LayOutRootAsync(string unitText)
    {
        var id = ReleaseStage.NewId();
        var prefix = Path.Combine(Root, "opt", "orleans-router");
        await ReleaseStage.StageAsync(Path.Combine(prefix, "releases", id), id);
        File.CreateSymbolicLink(Path.Combine(prefix, "current"), Path.Combine("releases", id));

        var units = Directory.CreateDirectory(Path.Combine(Root, "etc", "systemd", "system")).FullName;
        File.WriteAllText(Path.Combine(units, "orleans-router@.service"), unitText);

        // Regular files only: the symlinks among them point at absolute paths outside the root.
        var system = Directory.CreateDirectory(Path.Combine(Root, "usr", "lib", "systemd", "system")).FullName;
        foreach (var file in new DirectoryInfo("/usr/lib/systemd/system").EnumerateFiles().Where(f => f.LinkTarget is null))
        {
            file.CopyTo(Path.Combine(system, file.Name));
        }
    }

    private async Task<CommandResult> VerifyAsync(string instance)
    {
        try
        {
            return await Command.RunAsync("systemd-analyze", ["verify", $"--root={Root}", "--man=no", $"orleans-router@{instance}.service"], TimeSpan.FromMinutes(1));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("systemd-analyze is missing: it comes with Debian's systemd package", e);
        }
    }

    /// <summary>What systemd-analyze says about this unit; it may speak of other units of the machine too.</summary>
    private static List<string> Complaints(CommandResult verify) =>
        verify.Output.Split('\n').Where(line => line.Contains("orleans-router", StringComparison.Ordinal)).ToList();

    /// <summary>A systemd time span in seconds: a number of seconds, or with an s or min suffix.</summary>
    private static int Seconds(string span) => span switch
    {
        _ when span.EndsWith("min", StringComparison.Ordinal) => 60 * int.Parse(span[..^3], CultureInfo.InvariantCulture),
        _ when span.EndsWith('s') => int.Parse(span[..^1], CultureInfo.InvariantCulture),
        _ => int.Parse(span, CultureInfo.InvariantCulture),
    };
}
