using System.Globalization;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// One benchmark's world: the router's surroundings (a Bot API emulator and an A2A agent in this process, a
/// redis-server when the storage or the clustering is Redis) and the router as one or more processes of their own,
/// all on loopback.
/// </summary>
public sealed class Rig : IAsyncDisposable
{
    /// <summary>Chat ids of the measured traffic, apart from the warm-up chats.</summary>
    public const long FirstChat = 100_000;

    private readonly RouterSurroundings _surroundings;
    private readonly RouterBuild _build;

    /// <summary>Each silo's settings, kept for its restart: the same ports again, the same machine's silo coming back.</summary>
    private readonly Dictionary<string, string>[] _environments;

    private readonly RouterProcess[] _silos;

    private Rig(string storage, RouterSurroundings surroundings, RouterBuild build, Dictionary<string, string>[] environments)
    {
        Storage = storage;
        _surroundings = surroundings;
        _build = build;
        _environments = environments;
        _silos = new RouterProcess[environments.Length];
    }

    public string Storage { get; }

    public BotApiEmulator Telegram => _surroundings.Telegram;

    public A2ATestAgent Agent => _surroundings.Agent;

    public RedisServer? Redis => _surroundings.Redis;

    /// <summary>The first silo: the only one, outside the cluster scenarios.</summary>
    public RouterProcess Router => _silos[0];

    public IReadOnlyList<RouterProcess> Silos => _silos;

    /// <param name="paced">True keeps Telegram's limits (the router's defaults); false lifts them, to measure the router itself.</param>
    /// <param name="routerDefaults">
    /// True keeps the router's own reminder period and poller lease; false shortens them, so that orphaned chats are
    /// woken, and a restarted silo may poll, within seconds.
    /// </param>
    /// <param name="silos">More than one forms a cluster through Redis.</param>
    /// <param name="agent">Sets the agent up before the router first reads its card (to stream, say).</param>
    /// <param name="push">Each silo serves push notifications at <c>A2A_PUSH_URL</c> on its own HTTP port.</param>
    public static async Task<Rig> StartAsync(RouterBuild build, string storage, TimeSpan agentDelay, bool paced = false, bool routerDefaults = false, int silos = 1,
        Action<A2ATestAgent>? agent = null, bool push = false)
    {
        var surroundings = await RouterSurroundings.StartAsync(storage == "redis" || silos > 1 ? RedisUse.Volatile : RedisUse.None, agentDelay);
        agent?.Invoke(surroundings.Agent);
        var shared = new Dictionary<string, string>(surroundings.Environment())
        {
            ["ORLEANS_CLUSTERING"] = silos > 1 ? "redis" : "localhost",
            ["ORLEANS_STORAGE"] = storage,
            ["LOG_LEVEL"] = "Warning",
        };
        if (silos > 1)
        {
            shared["ORLEANS_CLUSTER_ID"] = $"bench-{Guid.NewGuid():N}";
            shared["SILO_ADVERTISED_ADDRESS"] = "127.0.0.1";
        }

        if (!routerDefaults)
        {
            shared["CHAT_REMINDER_SECONDS"] = "10";
            shared["POLLER_LEASE_SECONDS"] = "5";
        }

        if (!paced)
        {
            shared["TELEGRAM_SENDS_PER_SECOND"] = "100000";
            shared["TELEGRAM_CHAT_SENDS_PER_SECOND"] = "1000";
            shared["TELEGRAM_GROUP_SENDS_PER_MINUTE"] = "100000";
        }

        foreach (var (key, value) in build.Environment)
        {
            shared[key] = value;
        }

        var environments = Enumerable.Range(0, silos).Select(_ => new Dictionary<string, string>(shared)
        {
            ["HTTP_ENDPOINT"] = $"127.0.0.1:{FreePort.Next()}",
            ["SILO_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["GATEWAY_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        }).ToArray();
        foreach (var environment in environments.Where(_ => push))
        {
            environment["A2A_PUSH_URL"] = $"http://{environment["HTTP_ENDPOINT"]}/a2a/push";
        }

        var rig = new Rig(storage, surroundings, build, environments);
        await Task.WhenAll(Enumerable.Range(0, silos).Select(rig.StartRouterAsync));
        return rig;
    }

    /// <summary>Starts silo <paramref name="silo"/> (again, after it exited) and waits until it is healthy.</summary>
    public async Task StartRouterAsync(int silo = 0)
    {
        _silos[silo] = RouterProcess.Start(_build.Executable, _environments[silo]);
        await _silos[silo].WaitForHealthyAsync(TimeSpan.FromSeconds(120));
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

    /// <summary>Lets <paramref name="idleFor"/> pass with no message; returns the processor time the router spent in it.</summary>
    public async Task<TimeSpan> IdleAsync(TimeSpan idleFor)
    {
        var processor = Router.ProcessorTime;
        await Task.Delay(idleFor);
        return Router.ProcessorTime - processor;
    }

    /// <summary>Posts <paramref name="perChat"/> messages into each of <paramref name="chats"/> chats at once, round by round.</summary>
    public List<(long Chat, string Text)> PostToEach(int chats, int perChat)
    {
        var texts = new List<(long, string)>();
        for (var i = 1; i <= perChat; i++)
        {
            for (var chat = FirstChat; chat < FirstChat + chats; chat++)
            {
                var text = $"message {i}";
                Telegram.Post(chat, text);
                texts.Add((chat, text));
            }
        }

        return texts;
    }

    /// <summary>
    /// Posts the <paramref name="texts"/> of each of <paramref name="chats"/> chats, one chat after another
    /// <paramref name="stagger"/> apart, each chat's texts at once; the messages posted, in order.
    /// </summary>
    public async Task<List<(long Chat, string Text)>> PostStaggeredAsync(int chats, TimeSpan stagger, Func<long, IEnumerable<string>> texts)
    {
        var posted = new List<(long, string)>();
        var start = DateTimeOffset.UtcNow;
        for (var chat = FirstChat; chat < FirstChat + chats; chat++)
        {
            if (start + (stagger * (chat - FirstChat)) - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            foreach (var text in texts(chat))
            {
                Telegram.Post(chat, text);
                posted.Add((chat, text));
            }
        }

        return posted;
    }

    /// <summary>Of <paramref name="messages"/>, how many got no <paramref name="answer"/>, and how many replies went more than once.</summary>
    public JsonObject LostAndDoubled(IReadOnlyList<(long Chat, string Text)> messages, Func<string, string> answer)
    {
        var sent = Telegram.Sent.Where(m => m.ChatId >= FirstChat).GroupBy(m => (m.ChatId, m.Text)).ToDictionary(g => g.Key, g => g.Count());
        return new JsonObject
        {
            ["lost"] = messages.Count(m => !sent.ContainsKey((m.Chat, answer(m.Text)))),
            ["doubled"] = sent.Values.Sum(c => c - 1),
        };
    }

    /// <summary>
    /// Stops silo <paramref name="silo"/> with SIGTERM, as an orchestrator would, and waits for it to exit; kills it if
    /// it is still there after 60 s. A profiler attached gets the method names a process sends on its way out.
    /// </summary>
    public async Task StopRouterAsync(int silo)
    {
        var router = _silos[silo];
        router.Terminate();
        try
        {
            await router.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
        }

        await router.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (var silo = 0; silo < _silos.Length; silo++)
        {
            if (_silos[silo] is { HasExited: false })
            {
                await StopRouterAsync(silo);
            }
        }

        await _surroundings.DisposeAsync();
    }
}
