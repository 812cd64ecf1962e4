using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// One benchmark's world: a Bot API emulator and an A2A agent in this process, a redis-server when the storage is
/// Redis, and the router as a process of its own, all on loopback.
/// </summary>
public sealed class Rig : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("router-bench-").FullName;
    private readonly Dictionary<string, string> _environment;

    private Rig(string storage, BotApiEmulator telegram, A2ATestAgent agent, RedisServer? redis, Dictionary<string, string> environment)
    {
        Storage = storage;
        Telegram = telegram;
        Agent = agent;
        Redis = redis;
        _environment = environment;
    }

    public string Storage { get; }

    public BotApiEmulator Telegram { get; }

    public A2ATestAgent Agent { get; }

    public RedisServer? Redis { get; }

    public RouterProcess Router { get; private set; } = null!;

    /// <param name="paced">True keeps Telegram's limits (the router's defaults); false lifts them, to measure the router itself.</param>
    public static async Task<Rig> StartAsync(string storage, TimeSpan agentDelay, bool paced = false)
    {
        var telegram = await BotApiEmulator.StartAsync();
        var agent = await A2ATestAgent.StartAsync();
        if (agentDelay > TimeSpan.Zero)
        {
            agent.Answer = call => new AgentAnswer.Slow(agentDelay, new AgentAnswer.Result(agent.MessageResult($"reply: {call.Text}", call.ContextId ?? "c")));
        }

        var redis = storage == "redis" ? await RedisServer.StartAsync() : null;
        var environment = new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["TELEGRAM_TRANSPORT_MODE"] = "live",
            ["TELEGRAM_API_BASE_URL"] = telegram.BaseUrl.AbsoluteUri,
            ["TELEGRAM_BOT_TOKEN"] = telegram.Token,
            ["ORLEANS_CLUSTERING"] = "localhost",
            ["ORLEANS_STORAGE"] = storage,
            ["LOG_LEVEL"] = "Warning",
            ["CHAT_REMINDER_SECONDS"] = "10",
            ["POLLER_LEASE_SECONDS"] = "5",
            ["HTTP_ENDPOINT"] = $"127.0.0.1:{FreePort.Next()}",
            ["SILO_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GATEWAY_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (redis is not null)
        {
            environment["REDIS_CONNECTION_STRING"] = redis.ConnectionString;
        }

        if (!paced)
        {
            environment["TELEGRAM_SENDS_PER_SECOND"] = "100000";
            environment["TELEGRAM_CHAT_SENDS_PER_SECOND"] = "1000";
            environment["TELEGRAM_GROUP_SENDS_PER_MINUTE"] = "100000";
        }

        var rig = new Rig(storage, telegram, agent, redis, environment);
        await rig.StartRouterAsync();
        return rig;
    }

    public async Task StartRouterAsync()
    {
        var personas = Path.Combine(_directory, "personas.json");
        await File.WriteAllTextAsync(personas, new JsonObject
        {
            ["default_persona"] = "bench",
            ["personas"] = new JsonObject { ["bench"] = new JsonObject { ["agent_url"] = Agent.BaseUrl.AbsoluteUri } },
        }.ToJsonString());
        _environment["PERSONA_MAP_FILE"] = personas;

        // The same ports again after a restart: the new process is the same machine's silo coming back.
        Router = RouterProcess.Start(_environment);
        await Router.WaitForHealthyAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>A few hundred messages through every part, so the measurement does not pay for JIT and connections.</summary>
    public async Task WarmUpAsync()
    {
        var before = Telegram.SentCount;
        for (var chat = 0; chat < 50; chat++)
        {
            for (var i = 0; i < 4; i++)
            {
                Telegram.Post(1 + chat, $"warm-up {i}");
            }
        }

        await Telegram.WaitUntilAsync(t => t.SentCount >= before + 200, TimeSpan.FromSeconds(120), "the warm-up replies");
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Agent.DisposeAsync();
        await Telegram.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
