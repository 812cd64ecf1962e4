using System.Text.Json.Nodes;

namespace OrleansRouter.Testing;

/// <summary>What a redis-server is kept for: nothing, storage that may forget on a stop, or storage that does not.</summary>
public enum RedisUse
{
    None,
    Volatile,
    Durable,
}

/// <summary>
/// Everything a router talks to, on loopback: a Bot API emulator and an A2A agent in this process (answering
/// <c>reply: …</c>, slowly when asked), a redis-server when asked for, and the environment that points a router
/// at them. The end-to-end cluster fixture and the benchmark rig both stand their routers in it.
/// </summary>
public sealed class RouterSurroundings : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _personas;

    private RouterSurroundings(string directory, BotApiEmulator telegram, A2ATestAgent agent, RedisServer? redis)
    {
        _directory = directory;
        Telegram = telegram;
        Agent = agent;
        Redis = redis;
        _personas = LiveRouterEnvironment.WritePersonas(directory, new JsonObject { ["agent_url"] = agent.BaseUrl.AbsoluteUri });
    }

    public BotApiEmulator Telegram { get; }

    public A2ATestAgent Agent { get; }

    public RedisServer? Redis { get; }

    /// <param name="agentDelay">How long the agent takes over each answer; none answers at once.</param>
    public static async Task<RouterSurroundings> StartAsync(RedisUse redis, TimeSpan? agentDelay = null)
    {
        var server = redis == RedisUse.None ? null : await RedisServer.StartAsync(durable: redis == RedisUse.Durable);
        var telegram = await BotApiEmulator.StartAsync();
        var agent = await A2ATestAgent.StartAsync();
        if (agentDelay is { } delay && delay > TimeSpan.Zero)
        {
            agent.Answer = call => new AgentAnswer.Slow(delay, new AgentAnswer.Result(agent.MessageResult($"reply: {call.Text}", call.ContextId ?? "c")));
        }

        return new RouterSurroundings(Directory.CreateTempSubdirectory("router-surroundings-").FullName, telegram, agent, server);
    }

    /// <summary>A local router on the live transport against the emulator, its one persona the agent, and the redis-server's address if there is one.</summary>
    public Dictionary<string, string> Environment()
    {
        var environment = LiveRouterEnvironment.Using(Telegram, _personas);
        if (Redis is not null)
        {
            environment["REDIS_CONNECTION_STRING"] = Redis.ConnectionString;
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Telegram.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
