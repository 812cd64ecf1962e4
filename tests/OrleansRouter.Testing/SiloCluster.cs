namespace OrleansRouter.Testing;

/// <summary>
/// Several router processes forming one Orleans cluster through a real redis-server, polling a Bot API emulator
/// and routing to a test A2A agent: the production shape, on loopback.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private readonly string _clusterId = $"e2e-{Guid.NewGuid():N}";
    private readonly List<RouterProcess> _all = [];
    private readonly RouterSurroundings _surroundings;

    private SiloCluster(RouterSurroundings surroundings) => _surroundings = surroundings;

    public RedisServer Redis => _surroundings.Redis!;

    public BotApiEmulator Telegram => _surroundings.Telegram;

    public A2ATestAgent Agent => _surroundings.Agent;

    /// <summary>Every silo started, including those stopped since, in start order.</summary>
    public IReadOnlyList<RouterProcess> All => _all;

    public IEnumerable<RouterProcess> Running => _all.Where(s => !s.HasExited);

    /// <param name="extra">Settings every silo gets on top of <see cref="Environment"/>.</param>
    /// <param name="agent">Sets the agent up before the first silo reads its card (to stream, say).</param>
    public static async Task<SiloCluster> StartAsync(int silos, TimeSpan? agentDelay = null, IReadOnlyDictionary<string, string>? extra = null,
        Action<A2ATestAgent>? agent = null)
    {
        var cluster = new SiloCluster(await RouterSurroundings.StartAsync(RedisUse.Durable, agentDelay));
        agent?.Invoke(cluster.Agent);
        for (var i = 0; i < silos; i++)
        {
            cluster.Start(extra: extra);
        }

        foreach (var silo in cluster.Running)
        {
            await silo.WaitForHealthyAsync(TimeSpan.FromSeconds(120));
        }

        return cluster;
    }

    /// <summary>Starts one more silo; <paramref name="active"/> false makes it a standby that never polls.</summary>
    public RouterProcess Start(bool active = true, IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = Environment(active);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var silo = RouterProcess.Start(environment);
        _all.Add(silo);
        return silo;
    }

    public Dictionary<string, string> Environment(bool active) =>
        new(_surroundings.Environment())
        {
            ["ROUTER_ACTIVE"] = active ? "true" : "false",
            ["ORLEANS_CLUSTERING"] = "redis",
            ["ORLEANS_STORAGE"] = "redis",
            ["ORLEANS_CLUSTER_ID"] = _clusterId,
            ["SILO_ADVERTISED_ADDRESS"] = "127.0.0.1",
            ["CHAT_REMINDER_SECONDS"] = "10",
            ["POLLER_LEASE_SECONDS"] = "8",
            ["SHUTDOWN_DRAIN_SECONDS"] = "10",
            ["HEALTH_PROBE_SECONDS"] = "2",
            // These tests count messages, not Telegram's limits: pacing is the subject of other tests.
            ["TELEGRAM_SENDS_PER_SECOND"] = "1000",
            ["TELEGRAM_CHAT_SENDS_PER_SECOND"] = "100",
            ["LOG_LEVEL"] = "Information",

            // The dashboard samples every silo each second; these tests load two cores with three silos already.
            ["DASHBOARD_ENDPOINT"] = "off",
        };

    /// <summary>The silo holding the poller lease, from the silos' own log events.</summary>
    public RouterProcess? LeaseHolder() =>
        Running
            .Select(s => (Silo: s, Last: s.Events.LastOrDefault(e => e["event"]?.GetValue<string>() is "poller.lease_acquired" or "poller.lease_released" or "poller.lease_lost")))
            .Where(s => s.Last?["event"]?.GetValue<string>() == "poller.lease_acquired")
            .Select(s => s.Silo)
            .SingleOrDefault();

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _all)
        {
            await silo.DisposeAsync();
        }

        await _surroundings.DisposeAsync();
    }
}
