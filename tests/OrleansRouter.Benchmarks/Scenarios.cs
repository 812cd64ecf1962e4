using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.Benchmarks;

/// <summary>The benchmark scenarios of issue 3. Each starts its own rig and returns what it measured.</summary>
public static class Scenarios
{
    public static readonly string[] Names = ["burst", "latency", "slow_agent", "paced", "kill", "memory"];

    /// <summary>Chat ids of the measured traffic, apart from the warm-up chats.</summary>
    private const long FirstChat = 100_000;

    public static Task<JsonObject> RunAsync(string name, string storage) => name switch
    {
        "burst" => BurstAsync(storage),
        "latency" => LatencyAsync(storage),
        "slow_agent" => SlowAgentAsync(storage),
        "paced" => PacedAsync(storage),
        "kill" => KillAsync(storage),
        "memory" => MemoryAsync(storage),
        _ => throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>1,000 chats × 5 messages at once, instant agent: messages per second from posted to replied.</summary>
    private static async Task<JsonObject> BurstAsync(string storage)
    {
        await using var rig = await Rig.StartAsync(storage, TimeSpan.Zero);
        await rig.WarmUpAsync();
        var before = rig.Telegram.SentCount;
        var processor = rig.Router.ProcessorTime;
        var started = DateTimeOffset.UtcNow;
        var texts = PostAll(rig, chats: 1000, perChat: 5);
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count, TimeSpan.FromMinutes(5), "every burst reply");
        var last = rig.Telegram.Sent.Max(m => m.At);
        var seconds = (last - started).TotalSeconds;
        var cpu = (rig.Router.ProcessorTime - processor).TotalSeconds;
        return Result("burst", storage, new JsonObject
        {
            ["messages"] = texts.Count,
            ["seconds"] = Round(seconds),
            ["messages_per_second"] = Round(texts.Count / seconds),
            // The router's own processor time (the rig's emulator and agent run in this process, not in it).
            ["router_cpu_seconds"] = Round(cpu),
            ["router_cpu_ms_per_message"] = Round(cpu * 1000 / texts.Count),
            ["router_cores_average"] = Round(cpu / seconds),
        }, Reckon(rig, texts));
    }

    /// <summary>20 chats × 20 messages spread over 10 s, instant agent: posted → reply delivered, percentiles.</summary>
    private static async Task<JsonObject> LatencyAsync(string storage)
    {
        await using var rig = await Rig.StartAsync(storage, TimeSpan.Zero);
        await rig.WarmUpAsync();
        var posted = new Dictionary<(long Chat, string Text), DateTimeOffset>();
        var before = rig.Telegram.SentCount;
        var start = DateTimeOffset.UtcNow;
        for (var slot = 0; slot < 400; slot++)
        {
            // 40 messages a second: each chat every half second, the chats staggered.
            var due = start + TimeSpan.FromMilliseconds(slot * 25);
            if (due - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            var chat = FirstChat + (slot % 20);
            var text = $"message {slot / 20 + 1}";
            posted[(chat, text)] = DateTimeOffset.UtcNow;
            rig.Telegram.Post(chat, text);
        }

        var texts = posted.Keys.ToList();
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count, TimeSpan.FromMinutes(2), "every latency reply");
        var timeline = posted
            .Select(p => (Posted: p.Value, Latency: (rig.Telegram.SentTo(p.Key.Chat).First(m => m.Text == $"reply: {p.Key.Text}").At - p.Value).TotalMilliseconds))
            .OrderBy(p => p.Posted)
            .ToList();
        var latencies = timeline.Select(t => t.Latency).Order().ToList();

        // The first message of each chat also pays for activating its grain and registering its reminder.
        var steady = timeline.Skip(20).Select(t => t.Latency).Order().ToList();
        return Result("latency", storage, new JsonObject
        {
            ["messages"] = latencies.Count,
            ["p50_ms"] = Round(Percentile(latencies, 0.50)),
            ["p95_ms"] = Round(Percentile(latencies, 0.95)),
            ["p99_ms"] = Round(Percentile(latencies, 0.99)),
            ["max_ms"] = Round(latencies[^1]),
            ["steady_p50_ms"] = Round(Percentile(steady, 0.50)),
            ["steady_p99_ms"] = Round(Percentile(steady, 0.99)),
        }, Reckon(rig, texts));
    }

    /// <summary>500 chats × 3 messages at once, the agent answers in 2 s: the makespan (ideal ≈ 6 s).</summary>
    private static async Task<JsonObject> SlowAgentAsync(string storage)
    {
        await using var rig = await Rig.StartAsync(storage, TimeSpan.FromSeconds(2));
        await rig.WarmUpAsync();
        var before = rig.Telegram.SentCount;
        var started = DateTimeOffset.UtcNow;
        var texts = PostAll(rig, chats: 500, perChat: 3);
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count, TimeSpan.FromMinutes(3), "every slow-agent reply");
        var makespan = (rig.Telegram.Sent.Max(m => m.At) - started).TotalSeconds;
        return Result("slow_agent", storage, new JsonObject
        {
            ["messages"] = texts.Count,
            ["makespan_seconds"] = Round(makespan),
            ["ideal_seconds"] = 6,
        }, Reckon(rig, texts));
    }

    /// <summary>
    /// 300 chats × 1 message against an emulator that answers 429 above 30 sends a second in all or 1 per chat,
    /// with the router's default pacing: the delivered rate and the 429s.
    /// </summary>
    private static async Task<JsonObject> PacedAsync(string storage)
    {
        await using var rig = await Rig.StartAsync(storage, TimeSpan.Zero, paced: true);
        await rig.WarmUpAsync();
        rig.Telegram.Limits = new FloodLimits(PerSecond: 30, PerChatPerSecond: 1);
        var before = rig.Telegram.SentCount;
        var texts = PostAll(rig, chats: 300, perChat: 1);
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count, TimeSpan.FromMinutes(3), "every paced reply");
        var delivered = rig.Telegram.Sent.Skip(before).Select(m => m.At).Order().ToList();
        var rate = (delivered.Count - 1) / (delivered[^1] - delivered[0]).TotalSeconds;
        return Result("paced", storage, new JsonObject
        {
            ["messages"] = texts.Count,
            ["delivered_per_second"] = Round(rate),
            ["responses_429"] = rig.Telegram.TooManyRequests,
        }, Reckon(rig, texts));
    }

    /// <summary>200 chats × 5 messages, the agent answers in 250 ms; SIGKILL at a quarter of the replies, then a restart.</summary>
    private static async Task<JsonObject> KillAsync(string storage)
    {
        await using var rig = await Rig.StartAsync(storage, TimeSpan.FromMilliseconds(250));
        await rig.WarmUpAsync();
        var before = rig.Telegram.SentCount;
        var texts = PostAll(rig, chats: 200, perChat: 5);
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count / 4, TimeSpan.FromMinutes(2), "a quarter of the replies");
        rig.Router.Kill();
        await rig.Router.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var atKill = rig.Telegram.SentCount - before;
        await rig.Router.DisposeAsync();
        await rig.StartRouterAsync();

        // Whatever is not answered within two minutes of the restart is lost.
        try
        {
            await rig.Telegram.WaitUntilAsync(_ => AllAnswered(rig, texts), TimeSpan.FromMinutes(2), "every reply after the restart");
        }
        catch (TimeoutException)
        {
        }

        return Result("kill", storage, new JsonObject
        {
            ["messages"] = texts.Count,
            ["replies_before_kill"] = atKill,
        }, Reckon(rig, texts));
    }

    /// <summary>
    /// The router idle for 20 s (its processor time), then one message into each of 10,000 chats: its resident
    /// memory with their grains held.
    /// </summary>
    private static async Task<JsonObject> MemoryAsync(string storage)
    {
        await using var rig = await Rig.StartAsync(storage, TimeSpan.Zero);
        await rig.WarmUpAsync();
        var idleFor = TimeSpan.FromSeconds(20);
        var processor = rig.Router.ProcessorTime;
        await Task.Delay(idleFor);
        var idleCores = (rig.Router.ProcessorTime - processor) / idleFor;
        var (idle, _) = rig.Router.ResidentMemory();
        var before = rig.Telegram.SentCount;
        var texts = PostAll(rig, chats: 10_000, perChat: 1);
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count, TimeSpan.FromMinutes(5), "a reply in every chat");
        var (held, peak) = rig.Router.ResidentMemory();

        return Result("memory", storage, new JsonObject
        {
            ["chats_held"] = texts.Count,
            ["idle_router_cores"] = Round(idleCores),
            ["idle_rss_mb"] = Megabytes(idle),
            ["rss_with_chats_mb"] = Megabytes(held),
            ["peak_rss_mb"] = Megabytes(peak),
            ["rss_per_10000_chats_mb"] = Megabytes(held - idle),
        }, Reckon(rig, texts));
    }

    private static List<(long Chat, string Text)> PostAll(Rig rig, int chats, int perChat)
    {
        var texts = new List<(long, string)>();
        for (var i = 1; i <= perChat; i++)
        {
            for (var chat = FirstChat; chat < FirstChat + chats; chat++)
            {
                var text = $"message {i}";
                rig.Telegram.Post(chat, text);
                texts.Add((chat, text));
            }
        }

        return texts;
    }

    private static bool AllAnswered(Rig rig, List<(long Chat, string Text)> texts)
    {
        var replies = rig.Telegram.Sent.Select(m => (m.ChatId, m.Text)).ToHashSet();
        return texts.All(t => replies.Contains((t.Chat, $"reply: {t.Text}")));
    }

    /// <summary>Lost: messages with no reply. Doubled: replies sent more than once.</summary>
    private static JsonObject Reckon(Rig rig, List<(long Chat, string Text)> texts)
    {
        var counts = rig.Telegram.Sent.Where(m => m.ChatId >= FirstChat).GroupBy(m => (m.ChatId, m.Text)).ToDictionary(g => g.Key, g => g.Count());
        var lost = texts.Count(t => !counts.ContainsKey((t.Chat, $"reply: {t.Text}")));
        var doubled = counts.Values.Sum(c => c - 1);
        return new JsonObject { ["lost"] = lost, ["doubled"] = doubled };
    }

    private static JsonObject Result(string scenario, string storage, JsonObject figures, JsonObject reckoning)
    {
        var result = new JsonObject { ["scenario"] = scenario, ["storage"] = storage };
        foreach (var (key, value) in figures.Concat(reckoning).ToList())
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Ceiling(p * sorted.Count) - 1];

    private static double Round(double value) => Math.Round(value, 2);

    private static double Megabytes(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);
}
