using System.ComponentModel;
using System.Globalization;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Systemd;

/// <summary>
/// What systemd would do to start the unit's command lines, done by hand where systemd is not PID 1: the environment
/// built from the unit's <c>EnvironmentFile=</c>s in order over systemd's own (PATH and the user's HOME, USER,
/// LOGNAME, SHELL), <c>${VAR}</c> and <c>%i</c> expanded, <c>WorkingDirectory=</c>, and the execution settings that
/// can be applied without systemd, each taken from the unit's text: <c>User=</c> (as <c>nobody</c>, which has the
/// sysusers entry's shape and exists here), <c>NoNewPrivileges=</c>, <c>CapabilityBoundingSet=</c> and
/// <c>AmbientCapabilities=</c> (setpriv), <c>RestrictAddressFamilies=</c> (a seccomp filter, compiled from
/// restrict-address-families.c), <c>UMask=</c>. The unit's /etc/orleans-router and /opt/orleans-router are
/// directories of the test; nothing else of a command line changes. Not applied: the mount namespaces
/// (ProtectSystem=, ProtectHome=, PrivateTmp=, PrivateDevices=), the other Protect* and Restrict* settings, the
/// system call filter of SystemCallArchitectures=, and journald (stdout is read directly).
/// </summary>
internal sealed class UnitSandbox
{
    private const string Etc = "/etc/orleans-router/";
    private const string Opt = "/opt/orleans-router/";

    /// <summary>systemd's PATH for services.</summary>
    private const string ServicePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private const int Nobody = 65534;

    private static readonly Dictionary<string, int> Families = new()
    {
        ["AF_UNIX"] = 1,
        ["AF_LOCAL"] = 1,
        ["AF_INET"] = 2,
        ["AF_INET6"] = 10,
        ["AF_NETLINK"] = 16,
        ["AF_PACKET"] = 17,
    };

    private readonly SystemdUnit _unit;
    private readonly string _etc;
    private readonly string _opt;
    private readonly string _restrict;

    private UnitSandbox(SystemdUnit unit, string etc, string opt, string restrict)
    {
        _unit = unit;
        _etc = etc;
        _opt = opt;
        _restrict = restrict;
    }

    /// <summary>A sandbox for <paramref name="unit"/> with its /etc/orleans-router in <paramref name="etc"/> and /opt/orleans-router in <paramref name="opt"/>.</summary>
    public static async Task<UnitSandbox> CreateAsync(SystemdUnit unit, string etc, string opt, string workDirectory)
    {
        var source = Path.Combine(RouterProcess.RepositoryRoot(), "tests", "OrleansRouter.Deployment.Tests", "Systemd", "restrict-address-families.c");
        var restrict = Path.Combine(workDirectory, "restrict-address-families");
        CommandResult gcc;
        try
        {
            gcc = await Command.RunAsync("gcc", ["-O2", "-Wall", "-Werror", "-o", restrict, source], TimeSpan.FromMinutes(2));
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("gcc is missing (ops/test.sh installs Debian's gcc): it builds the stand-in for RestrictAddressFamilies=", e);
        }

        Assert.True(gcc.ExitCode == 0, $"restrict-address-families.c compiles:\n{gcc}");
        return new UnitSandbox(unit, etc, opt, restrict);
    }

    /// <summary>Where the test keeps a path the unit names.</summary>
    public string Host(string path) =>
        path.StartsWith(Etc, StringComparison.Ordinal) ? Path.Combine(_etc, path[Etc.Length..])
        : path.StartsWith(Opt, StringComparison.Ordinal) ? Path.Combine(_opt, path[Opt.Length..])
        : path;

    /// <summary>The environment of the instance's processes: systemd's, then each EnvironmentFile= in order.</summary>
    public Dictionary<string, string> Environment(string instance)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = ServicePath,
            ["HOME"] = "/nonexistent",
            ["USER"] = "nobody",
            ["LOGNAME"] = "nobody",
            ["SHELL"] = "/usr/sbin/nologin",
        };
        foreach (var file in _unit.Values("Service", "EnvironmentFile"))
        {
            Assert.False(file.StartsWith('-'), "every environment file is required");
            foreach (var (key, value) in SystemdUnit.EnvironmentFile(File.ReadAllText(Host(SystemdUnit.Specifiers(file, instance)))))
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    /// <summary>
    /// The program and arguments that run the unit's <paramref name="key"/> (ExecStartPre, ExecStart) for
    /// <paramref name="instance"/>: <c>env -i</c> with exactly the unit's environment, then the execution settings,
    /// then the command line itself.
    /// </summary>
    public (string Program, string[] Args) Invocation(string key, string instance)
    {
        var environment = Environment(instance);
        var command = SystemdUnit.CommandLine(_unit.Single("Service", key), instance, environment).ToList();
        command[0] = Host(command[0]);

        Assert.Equal("yes", _unit.Single("Service", "NoNewPrivileges"));
        Assert.Equal("", _unit.Single("Service", "CapabilityBoundingSet"));
        Assert.Equal("", _unit.Single("Service", "AmbientCapabilities"));
        Assert.NotEqual("root", _unit.Single("Service", "User"));
        var families = string.Join(',', _unit.Single("Service", "RestrictAddressFamilies")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(name => Families.TryGetValue(name, out var number) ? number.ToString(CultureInfo.InvariantCulture) : throw new NotSupportedException($"the address family {name}")));
        var umask = _unit.Single("Service", "UMask");
        Assert.Matches("^[0-7]{3,4}$", umask);

        return ("env",
        [
            "-i", "-C", Host(_unit.Single("Service", "WorkingDirectory")),
            .. environment.Select(pair => $"{pair.Key}={pair.Value}"),
            "/usr/bin/setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--no-new-privs",
            "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all",
            _restrict, families,
            "/bin/sh", "-c", $"umask {umask} && exec \"$0\" \"$@\"",
            .. command,
        ]);
    }
}
