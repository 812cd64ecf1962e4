using System.Text.Json.Nodes;

namespace OrleansRouter.Testing;

/// <summary>
/// Several router processes forming one Orleans cluster through a real redis-server, polling a Bot API emulator
/// and routing to a test A2A agent: the production shape, on loopback.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("router-cluster-").FullName;
    private readonly string _clusterId = $"e2e-{Guid.NewGuid():N}";
    private readonly List<RouterProcess> _all = [];

    private SiloCluster(RedisServer redis, BotApiEmulator telegram, A2ATestAgent agent)
    {
        Redis = redis;
        Telegram = telegram;
        Agent = agent;
    }

    public RedisServer Redis { get; }

    public BotApiEmulator Telegram { get; }

    public A2ATestAgent Agent { get; }

    /// <summary>Every silo started, including those stopped since, in start order.</summary>
    public IReadOnlyList<RouterProcess> All => _all;

    public IEnumerable<RouterProcess> Running => _all.Where(s => !s.HasExited);

    /// <param name="extra">Settings every silo gets on top of <see cref="Environment"/>.</param>
    public static async Task<SiloCluster> StartAsync(int silos, TimeSpan? agentDelay = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var redis = await RedisServer.StartAsync(durable: true);
        var telegram = await BotApiEmulator.StartAsync();
        var agent = await A2ATestAgent.StartAsync();
        if (agentDelay is { } delay)
        {
            agent.Answer = call => new AgentAnswer.Slow(delay, new AgentAnswer.Result(agent.MessageResult($"reply: {call.Text}", call.ContextId ?? "c")));
        }

        var cluster = new SiloCluster(redis, telegram, agent);
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

    public Dictionary<string, string> Environment(bool active)
    {
        var personas = Path.Combine(_directory, "personas.json");
        if (!File.Exists(personas))
        {
            File.WriteAllText(personas, new JsonObject
            {
                ["default_persona"] = "tester",
                ["personas"] = new JsonObject { ["tester"] = new JsonObject { ["agent_url"] = Agent.BaseUrl.AbsoluteUri } },
            }.ToJsonString());
        }

        return new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["ROUTER_ACTIVE"] = active ? "true" : "false",
            ["TELEGRAM_TRANSPORT_MODE"] = "live",
            ["TELEGRAM_API_BASE_URL"] = Telegram.BaseUrl.AbsoluteUri,
            ["TELEGRAM_BOT_TOKEN"] = Telegram.Token,
            ["PERSONA_MAP_FILE"] = personas,
            ["ORLEANS_CLUSTERING"] = "redis",
            ["ORLEANS_STORAGE"] = "redis",
            ["REDIS_CONNECTION_STRING"] = Redis.ConnectionString,
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
    }

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

        await Agent.DisposeAsync();
        await Telegram.DisposeAsync();
        await Redis.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
