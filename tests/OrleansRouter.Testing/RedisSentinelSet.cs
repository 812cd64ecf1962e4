using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace OrleansRouter.Testing;

/// <summary>
/// Redis made highly available on loopback: a primary, one replica and three Sentinels (Debian's
/// <c>redis-server</c> and <c>redis-sentinel</c>), each with a generated config file in a directory of its own,
/// all sharing one password. A test connects through the Sentinels (<see cref="ConnectionString"/>), then fails the
/// primary over the polite way (<see cref="FailoverAsync"/>, Sentinel's own command) or the hard way
/// (<see cref="CrashPrimaryAsync"/>) and learns how long the promotion took.
/// </summary>
public sealed class RedisSentinelSet : IAsyncDisposable
{
    /// <summary>The name the Sentinels monitor the primary under: the connection string's <c>serviceName</c>.</summary>
    public const string ServiceName = "router";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("router-sentinel-").FullName;
    private readonly List<Node> _servers = [];
    private readonly List<Node> _sentinels = [];

    private RedisSentinelSet(string password) => Password = password;

    public string Password { get; }

    public IReadOnlyList<int> SentinelPorts => _sentinels.Select(s => s.Port).ToList();

    /// <summary>The Redis servers' ports, the first primary at the start.</summary>
    public IReadOnlyList<int> ServerPorts => _servers.Select(s => s.Port).ToList();

    /// <summary>What <c>REDIS_CONNECTION_STRING</c> says for this set: the Sentinels, the service name and the password.</summary>
    public string ConnectionString =>
        string.Join(",", _sentinels.Select(s => $"127.0.0.1:{s.Port.ToString(CultureInfo.InvariantCulture)}")) + $",serviceName={ServiceName},password={Password}";

    /// <summary>
    /// Starts the servers and Sentinels and returns once every Sentinel knows the primary, the replica and the other
    /// Sentinels, and the replica is in sync: a failover could start now.
    /// </summary>
    /// <param name="serverSettings">Lines added to both servers' config files, e.g. <c>min-replicas-to-write 1</c>.</param>
    public static async Task<RedisSentinelSet> StartAsync(params string[] serverSettings)
    {
        var set = new RedisSentinelSet($"sentinel-set-{Guid.NewGuid():N}");
        try
        {
            var primary = FreePort.Next();
            set._servers.Add(await set.StartNodeAsync("redis-server", primary, set.ServerConfig(primary, replicaOf: null, serverSettings)));
            var replica = FreePort.Next();
            set._servers.Add(await set.StartNodeAsync("redis-server", replica, set.ServerConfig(replica, replicaOf: primary, serverSettings)));
            for (var i = 0; i < 3; i++)
            {
                var port = FreePort.Next();
                set._sentinels.Add(await set.StartNodeAsync("redis-sentinel", port, set.SentinelConfig(port, primary)));
            }

            await set.WaitUntilReadyAsync(primary);
            return set;
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    /// <summary>The primary's port as the Sentinels agree on it; null while they do not.</summary>
    public async Task<int?> AgreedPrimaryAsync()
    {
        var answers = new List<int?>();
        foreach (var sentinel in _sentinels.Where(s => s.Running))
        {
            answers.Add(await TryAsync(async () =>
            {
                var address = await RespClient.OnceAsync(sentinel.Port, Password, "SENTINEL", "get-master-addr-by-name", ServiceName);
                return address.Items is [_, { Text: { } port }] ? int.Parse(port, CultureInfo.InvariantCulture) : (int?)null;
            }));
        }

        return answers.Count > 0 && answers.All(a => a is not null && a == answers[0]) ? answers[0] : null;
    }

    /// <summary>
    /// Writes paused on the primary until the replica has all of them, then <c>SENTINEL FAILOVER</c> (a Sentinel
    /// promotes the replica without asking the others), then writes let go, the old primary left to the Sentinels,
    /// which demote it some ten seconds later. Returns once every Sentinel names the new primary and it says it is one.
    /// </summary>
    /// <remarks>
    /// Without the pause the promotion races the replication stream: a write the old primary acknowledged a moment
    /// before may not have reached the replica, and the new primary never has it.
    /// </remarks>
    public async Task<(int OldPrimary, int NewPrimary, TimeSpan Took)> FailoverAsync()
    {
        var old = await AgreedPrimaryAsync() ?? throw new InvalidOperationException("the Sentinels do not agree on a primary");
        var replica = _servers.Single(s => s.Port != old).Port;
        var started = Stopwatch.StartNew();
        await using var primary = await RespClient.ConnectAsync(old, Password);
        await SendAsync(primary, old, "CLIENT", "PAUSE", "10000", "WRITE");
        await WaitUntilAsync(async () =>
        {
            var sent = (await InfoAsync(old, "replication")).GetValueOrDefault("master_repl_offset");
            return sent is not null && (await InfoAsync(replica, "replication")).GetValueOrDefault("slave_repl_offset") == sent;
        }, $"the replica on port {replica} having every write of the paused primary");

        var reply = await RespClient.OnceAsync(_sentinels[0].Port, Password, "SENTINEL", "FAILOVER", ServiceName);
        if (reply.IsError)
        {
            throw new InvalidOperationException($"SENTINEL FAILOVER: {reply.Text}");
        }

        var promoted = await WaitForPromotionAsync(old);

        // The writes that waited now meet a primary whose replica left it: NOREPLICAS.
        await SendAsync(primary, old, "CLIENT", "UNPAUSE");
        return (old, promoted, started.Elapsed);
    }

    /// <summary>
    /// The planned switchover of docs/redis.md, by its script (ops/redis-switchover.sh): the same pause and failover,
    /// and the old primary demoted at once. Returns once every Sentinel names the new primary.
    /// </summary>
    public async Task<(int OldPrimary, int NewPrimary, TimeSpan Took)> SwitchOverAsync()
    {
        var old = await AgreedPrimaryAsync() ?? throw new InvalidOperationException("the Sentinels do not agree on a primary");
        var started = Stopwatch.StartNew();
        var script = Path.Combine(RouterProcess.RepositoryRoot(), "ops", "redis-switchover.sh");
        var run = await Command.RunAsync(script, ["--sentinel", $"127.0.0.1:{_sentinels[0].Port.ToString(CultureInfo.InvariantCulture)}", "--service", ServiceName],
            TimeSpan.FromSeconds(60), environment: new Dictionary<string, string?> { ["REDISCLI_AUTH"] = Password });
        if (run.ExitCode != 0 || !run.StandardOutput.StartsWith("switched over: ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"ops/redis-switchover.sh: {run}\n{Logs()}");
        }

        return (old, await WaitForPromotionAsync(old), started.Elapsed);
    }

    /// <summary>Kills the primary (SIGKILL) and returns once the Sentinels agree on the replica they promoted.</summary>
    public async Task<(int OldPrimary, int NewPrimary, TimeSpan Took)> CrashPrimaryAsync()
    {
        var old = await AgreedPrimaryAsync() ?? throw new InvalidOperationException("the Sentinels do not agree on a primary");
        var started = Stopwatch.StartNew();
        await Server(old).StopAsync();
        var promoted = await WaitForPromotionAsync(old);
        return (old, promoted, started.Elapsed);
    }

    /// <summary>
    /// Starts a stopped server again as a replica of the primary the Sentinels name, as a node should come back after
    /// a crash: started as it was, it would be a second primary until the Sentinels noticed and turned it round.
    /// </summary>
    public async Task RestartAsReplicaAsync(int port)
    {
        var primary = await AgreedPrimaryAsync() ?? throw new InvalidOperationException("the Sentinels do not agree on a primary");
        var server = Server(port);
        server.Configure(primary == port ? null : $"replicaof 127.0.0.1 {primary.ToString(CultureInfo.InvariantCulture)}");
        await server.StartAsync();
    }

    /// <summary>Waits until the server on <paramref name="port"/> replicates from the current primary and is in sync.</summary>
    public async Task WaitForReplicaAsync(int port)
    {
        await WaitUntilAsync(async () =>
        {
            var primary = await AgreedPrimaryAsync();
            if (primary is null || primary == port)
            {
                return false;
            }

            var info = await InfoAsync(port, "replication");
            return info.GetValueOrDefault("role") == "slave" && info.GetValueOrDefault("master_port") == primary.Value.ToString(CultureInfo.InvariantCulture)
                && info.GetValueOrDefault("master_link_status") == "up";
        }, $"the server on port {port} replicating from the primary");
    }

    /// <summary>An INFO section of one server, or nothing when it does not answer.</summary>
    public async Task<IReadOnlyDictionary<string, string>> InfoAsync(int port, string section) =>
        await TryAsync(async () =>
        {
            await using var client = await RespClient.ConnectAsync(port, Password);
            return await client.InfoAsync(section);
        }) ?? new Dictionary<string, string>();

    /// <summary>The last lines of every server's and Sentinel's log, for a failure message.</summary>
    public string Logs(int lines = 30) =>
        string.Join("\n", _servers.Concat(_sentinels).Select(n => $"--- {n.Program} {n.Port}\n{n.Tail(lines)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _sentinels.Concat(_servers))
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary directory is cleaned with the machine.
        }
    }

    private Node Server(int port) => _servers.Single(s => s.Port == port);

    private string[] ServerConfig(int port, int? replicaOf, string[] settings) =>
    [
        .. Common(port),
        "save \"\"",
        "appendonly no",
        $"masterauth {Password}",
        // The whole data set goes to a replica as it is made, not through a file on disk first.
        "repl-diskless-sync yes",
        "repl-diskless-sync-delay 0",
        .. replicaOf is { } primary ? [$"replicaof 127.0.0.1 {primary.ToString(CultureInfo.InvariantCulture)}"] : Array.Empty<string>(),
        .. settings,
    ];

    private string[] SentinelConfig(int port, int primary) =>
    [
        .. Common(port),
        $"sentinel monitor {ServiceName} 127.0.0.1 {primary.ToString(CultureInfo.InvariantCulture)} 2",
        $"sentinel auth-pass {ServiceName} {Password}",
        // A primary that does not answer for three seconds is down: a crash is noticed quickly, yet a primary just
        // promoted on a loaded machine is not judged down (and failed over again) before the Sentinels reach it.
        $"sentinel down-after-milliseconds {ServiceName} 3000",
        $"sentinel failover-timeout {ServiceName} 10000",
        $"sentinel parallel-syncs {ServiceName} 1",
    ];

    private string[] Common(int port) =>
    [
        $"port {port.ToString(CultureInfo.InvariantCulture)}",
        "bind 127.0.0.1",
        $"requirepass {Password}",
        $"dir {Path.Combine(_directory, port.ToString(CultureInfo.InvariantCulture))}",
        "logfile redis.log",
    ];

    private async Task<Node> StartNodeAsync(string program, int port, string[] config)
    {
        var directory = Path.Combine(_directory, port.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "redis.conf");
        File.WriteAllLines(file, config);
        var node = new Node(program, port, file, Password);
        await node.StartAsync();
        return node;
    }

    private async Task WaitUntilReadyAsync(int primary)
    {
        var replica = _servers.Single(s => s.Port != primary).Port;
        await WaitForReplicaAsync(replica);
        await WaitUntilAsync(async () =>
        {
            foreach (var sentinel in _sentinels)
            {
                var master = await TryAsync(async () => (await RespClient.OnceAsync(sentinel.Port, Password, "SENTINEL", "MASTER", ServiceName)).Fields());
                if (master is null || master.GetValueOrDefault("flags") != "master" || master.GetValueOrDefault("num-slaves") != "1"
                    || master.GetValueOrDefault("num-other-sentinels") != "2")
                {
                    return false;
                }
            }

            return true;
        }, "every Sentinel knowing the primary, its replica and the other Sentinels");
    }

    private async Task<int> WaitForPromotionAsync(int old)
    {
        var promoted = 0;
        await WaitUntilAsync(async () =>
        {
            if (await AgreedPrimaryAsync() is not { } primary || primary == old)
            {
                return false;
            }

            promoted = primary;
            return (await InfoAsync(primary, "replication")).GetValueOrDefault("role") == "master";
        }, $"the Sentinels agreeing on a new primary in place of port {old}");
        return promoted;
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Deadline.TotalSeconds:0} s for {what}.\n{Logs()}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task SendAsync(RespClient client, int port, params string[] command)
    {
        if (await client.SendAsync(command) is { IsError: true } refused)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} on port {port}: {refused.Text}");
        }
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> probe)
    {
        try
        {
            return await probe();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>One redis-server or redis-sentinel process, started from its config file.</summary>
    private sealed class Node(string program, int port, string configFile, string password) : IAsyncDisposable
    {
        private Process? _process;

        public string Program => program;

        public int Port => port;

        public bool Running => _process is { HasExited: false };

        /// <summary>Rewrites the config file's <c>replicaof</c> line (Sentinel may have rewritten the file since).</summary>
        public void Configure(string? replicaOf) =>
            File.WriteAllLines(configFile, [.. File.ReadLines(configFile).Where(l => !l.StartsWith("replicaof ", StringComparison.Ordinal)).ToList(), .. replicaOf is null ? [] : new[] { replicaOf }]);

        public async Task StartAsync()
        {
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(configFile)!,
            };
            start.ArgumentList.Add(configFile);
            try
            {
                _process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"{program} is not installed (Debian: apt-get install redis-server redis-sentinel)", e);
            }

            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow + Deadline;
            while (await TryAsync(async () => (await RespClient.OnceAsync(port, password, "PING")).Text) != "PONG")
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{program} on port {port} did not answer PING:\n{Tail(30)}");
                }

                await Task.Delay(50);
            }
        }

        /// <summary>SIGKILL: the process is gone at once, as in a crash.</summary>
        public async Task StopAsync()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        public string Tail(int lines)
        {
            var log = Path.Combine(Path.GetDirectoryName(configFile)!, "redis.log");
            return File.Exists(log) ? string.Join("\n", File.ReadLines(log).TakeLast(lines)) : "(no log)";
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _process?.Dispose();
        }
    }
}
