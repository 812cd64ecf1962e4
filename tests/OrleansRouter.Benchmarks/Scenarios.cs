using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using static OrleansRouter.Benchmarks.Figures;

namespace OrleansRouter.Benchmarks;

/// <summary>The benchmark scenarios of issues 3, 12 and 13. Each starts its own rig and returns what it measured.</summary>
public static class Scenarios
{
    public static readonly string[] Names = ["burst", "latency", "latency_cold", "idle", "slow_agent", "paced", "kill", "kill_defaults", "memory", "rolling", "stream", "push"];

    public static Task<JsonObject> RunAsync(string name, string storage, RouterBuild build) => name switch
    {
        "burst" => BurstAsync(build, storage),
        "latency" => LatencyAsync(build, storage, cold: false),
        "latency_cold" => LatencyAsync(build, storage, cold: true),
        "idle" => IdleAsync(build, storage),
        "slow_agent" => SlowAgentAsync(build, storage),
        "paced" => PacedAsync(build, storage),
        "kill" => RestartScenarios.KillAsync(build, storage, routerDefaults: false),
        "kill_defaults" => RestartScenarios.KillAsync(build, storage, routerDefaults: true),
        "memory" => MemoryAsync(build, storage),
        "rolling" => RestartScenarios.RollingAsync(build, storage),
        "stream" => StreamScenario.RunAsync(build, storage),
        "push" => PushScenario.RunAsync(build, storage),
        _ => throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>1,000 chats × 5 messages at once, instant agent: messages per second from posted to replied.</summary>
    private static async Task<JsonObject> BurstAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero);
        await rig.WarmUpAsync();
        var before = rig.Telegram.SentCount;
        var processor = rig.Router.ProcessorTime;
        var started = DateTimeOffset.UtcNow;
        var texts = rig.PostToEach(chats: 1000, perChat: 5);
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
            // The process's high-water mark: the burst is the most it ever holds, the warm-up before it far less.
            ["peak_rss_mb"] = Megabytes(rig.Router.ResidentMemory().Peak),
        }, Reckon(rig, texts));
    }

    /// <summary>
    /// 20 chats × 20 messages spread over 10 s, instant agent: posted → reply delivered, percentiles, and the router's
    /// processor time. <paramref name="cold"/> skips the warm-up: the first message goes in as soon as /healthz answers.
    /// </summary>
    private static async Task<JsonObject> LatencyAsync(RouterBuild build, string storage, bool cold)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero);
        if (!cold)
        {
            await rig.WarmUpAsync();
        }

        var processor = rig.Router.ProcessorTime;
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

            var chat = Rig.FirstChat + (slot % 20);
            var text = $"message {slot / 20 + 1}";
            posted[(chat, text)] = DateTimeOffset.UtcNow;
            rig.Telegram.Post(chat, text);
        }

        var texts = posted.Keys.ToList();
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count, TimeSpan.FromMinutes(2), "every latency reply");
        var cpu = rig.Router.ProcessorTime;
        var timeline = posted
            .Select(p => (Posted: p.Value, Latency: (rig.Telegram.SentTo(p.Key.Chat).First(m => m.Text == $"reply: {p.Key.Text}").At - p.Value).TotalMilliseconds))
            .OrderBy(p => p.Posted)
            .ToList();

        // The first message of each chat also pays for activating its grain and registering its reminder.
        var steady = timeline.Skip(20).Select(t => t.Latency).Order().ToList();
        var figures = new JsonObject
        {
            ["messages"] = timeline.Count,
            // Where a cold start shows: the first messages, in the order they were posted.
            ["first_messages_ms"] = new JsonArray([.. timeline.Take(25).Select(t => (JsonNode)Round(t.Latency))]),
        };
        foreach (var (key, value) in LatencyPercentiles(timeline.Select(t => t.Latency)).ToList())
        {
            figures[key] = value?.DeepClone();
        }

        figures["steady_p50_ms"] = Round(Percentile(steady, 0.50));
        figures["steady_p99_ms"] = Round(Percentile(steady, 0.99));
        figures["router_cpu_seconds"] = Round((cpu - processor).TotalSeconds);
        // Start-up and, unless cold, the warm-up included: what the process has spent by the last reply.
        figures["router_cpu_seconds_since_start"] = Round(cpu.TotalSeconds);
        return Result(cold ? "latency_cold" : "latency", storage, figures, Reckon(rig, texts));
    }

    /// <summary>
    /// The router started and warmed, then two minutes with no message, on the router's own defaults (reminder period,
    /// poller lease), as a production silo idles: the processor time of the first minute (start-up still settling:
    /// the just-in-time compiler's second tier, the dashboard's profiler for its first minute) and of the second (the
    /// background work alone), each as a share of one core, and the resident memory.
    /// </summary>
    private static async Task<JsonObject> IdleAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero, routerDefaults: true);
        await rig.WarmUpAsync();
        var minute = TimeSpan.FromMinutes(1);
        var settling = await rig.IdleAsync(minute);
        var cpu = await rig.IdleAsync(minute);
        var (idle, peak) = rig.Router.ResidentMemory();
        return Result("idle", storage, new JsonObject
        {
            ["idle_seconds"] = minute.TotalSeconds,
            ["router_cpu_seconds"] = Round(cpu.TotalSeconds),
            ["router_cpu_percent_of_core"] = Round(cpu / minute * 100),
            ["first_minute_cpu_percent_of_core"] = Round(settling / minute * 100),
            ["idle_rss_mb"] = Megabytes(idle),
            ["peak_rss_mb"] = Megabytes(peak),
        }, Reckon(rig, []));
    }

    /// <summary>500 chats × 3 messages at once, the agent answers in 2 s: the makespan (ideal ≈ 6 s).</summary>
    private static async Task<JsonObject> SlowAgentAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.FromSeconds(2));
        await rig.WarmUpAsync();
        var before = rig.Telegram.SentCount;
        var started = DateTimeOffset.UtcNow;
        var texts = rig.PostToEach(chats: 500, perChat: 3);
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
    private static async Task<JsonObject> PacedAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero, paced: true);
        await rig.WarmUpAsync();
        rig.Telegram.Limits = new FloodLimits(PerSecond: 30, PerChatPerSecond: 1);
        var before = rig.Telegram.SentCount;
        var texts = rig.PostToEach(chats: 300, perChat: 1);
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

    /// <summary>
    /// The router idle for 20 s (its processor time), then one message into each of 10,000 chats: its resident
    /// memory with their grains held.
    /// </summary>
    private static async Task<JsonObject> MemoryAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero);
        await rig.WarmUpAsync();
        var idleFor = TimeSpan.FromSeconds(20);
        var idleCores = await rig.IdleAsync(idleFor) / idleFor;
        var (idle, _) = rig.Router.ResidentMemory();
        var before = rig.Telegram.SentCount;
        var texts = rig.PostToEach(chats: 10_000, perChat: 1);
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
}
