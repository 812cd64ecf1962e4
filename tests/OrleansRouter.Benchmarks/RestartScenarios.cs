using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using static OrleansRouter.Benchmarks.Figures;

namespace OrleansRouter.Benchmarks;

/// <summary>The scenarios that stop silos under traffic: what is lost, what is doubled, and how long recovery takes.</summary>
public static class RestartScenarios
{
    /// <summary>
    /// 200 chats × 5 messages, the agent answers in 250 ms; SIGKILL at a quarter of the replies, then a restart.
    /// <paramref name="routerDefaults"/> keeps the router's own reminder period and poller lease, which decide how
    /// soon the restarted silo polls and wakes the orphaned chats.
    /// </summary>
    public static async Task<JsonObject> KillAsync(RouterBuild build, string storage, bool routerDefaults)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.FromMilliseconds(250), routerDefaults: routerDefaults);
        await rig.WarmUpAsync();
        var before = rig.Telegram.SentCount;
        var texts = rig.PostToEach(chats: 200, perChat: 5);
        await rig.Telegram.WaitUntilAsync(t => t.SentCount >= before + texts.Count / 4, TimeSpan.FromMinutes(2), "a quarter of the replies");
        rig.Router.Kill();
        await rig.Router.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var atKill = rig.Telegram.SentCount - before;
        await rig.Router.DisposeAsync();
        var restarted = DateTimeOffset.UtcNow;
        await rig.StartRouterAsync();

        // Whatever is not answered within two minutes of the restart is lost.
        try
        {
            await rig.Telegram.WaitUntilAsync(_ => AllAnswered(rig, texts), TimeSpan.FromMinutes(2), "every reply after the restart");
        }
        catch (TimeoutException)
        {
        }

        var firstReplies = rig.Telegram.Sent.Where(m => m.ChatId >= Rig.FirstChat).GroupBy(m => (m.ChatId, m.Text)).Select(g => g.Min(m => m.At)).ToList();
        var firstAfter = firstReplies.Where(at => at >= restarted).Select(at => (DateTimeOffset?)at).Min();
        return Result(routerDefaults ? "kill_defaults" : "kill", storage, new JsonObject
        {
            ["messages"] = texts.Count,
            ["replies_before_kill"] = atKill,
            // From the restarted process's start, not from its /healthz: start-up is part of recovering.
            ["first_reply_after_restart_seconds"] = firstAfter is { } first ? Round((first - restarted).TotalSeconds) : null,
            ["all_answered_after_restart_seconds"] = AllAnswered(rig, texts) ? Round((firstReplies.Max() - restarted).TotalSeconds) : null,
        }, Reckon(rig, texts));
    }

    /// <summary>
    /// Three silos clustered on Redis, 100 chats writing 5 messages a second each (500 a second, evenly paced);
    /// after 5 s every silo in turn gets SIGTERM, is waited for, started again and waited healthy; the traffic goes
    /// on 10 s after the last. Lost, doubled, out of order, message → reply latency, and the processor time of every
    /// silo process the scenario ran, the stopped ones included.
    /// </summary>
    public static async Task<JsonObject> RollingAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero, routerDefaults: true, silos: 3);
        await rig.WarmUpAsync();
        var processor = RouterProcessorTime(rig);
        var started = DateTimeOffset.UtcNow;
        await using var load = Load.StartPaced(rig.Telegram, Traffic.Chats(100), perSecond: 500);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var restarts = new JsonArray();
        for (var silo = 0; silo < rig.Silos.Count; silo++)
        {
            var stopping = DateTimeOffset.UtcNow;
            await rig.StopRouterAsync(silo);
            await rig.StartRouterAsync(silo);
            restarts.Add(Round((DateTimeOffset.UtcNow - stopping).TotalSeconds));
        }

        await Task.Delay(TimeSpan.FromSeconds(10));
        await load.StopAsync();
        var traffic = (DateTimeOffset.UtcNow - started).TotalSeconds;
        try
        {
            await load.AllAnsweredAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
        }

        var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        var cpu = (RouterProcessorTime(rig) - processor).TotalSeconds;
        var reckoning = load.Reckon();
        var figures = new JsonObject
        {
            ["silos"] = rig.Silos.Count,
            ["messages"] = reckoning.Posted,
            ["posted_per_second"] = Round(reckoning.Posted / traffic),
            ["restart_seconds"] = restarts,
            ["traffic_seconds"] = Round(traffic),
            // Until every message was answered, or a minute after the traffic stopped.
            ["seconds"] = Round(seconds),
        };
        foreach (var (key, value) in LatencyPercentiles(load.Latencies().Select(l => l.TotalMilliseconds)).ToList())
        {
            figures[key] = value?.DeepClone();
        }

        figures["router_cpu_seconds"] = Round(cpu);
        figures["router_cpu_ms_per_message"] = Round(cpu * 1000 / reckoning.Posted);
        return Result("rolling", storage, figures, new JsonObject
        {
            ["lost"] = reckoning.Lost,
            ["doubled"] = reckoning.Duplicates,
            ["out_of_order"] = reckoning.OutOfOrder,
        });
    }

    /// <summary>Every silo process's processor time so far: the running ones' own, the exited ones' as their parent saw it.</summary>
    private static TimeSpan RouterProcessorTime(Rig rig) =>
        rig.Silos.Aggregate(ExitedChildren.ProcessorTime(), (sum, silo) => sum + silo.ProcessorTime);

    private static bool AllAnswered(Rig rig, List<(long Chat, string Text)> texts)
    {
        var replies = rig.Telegram.Sent.Select(m => (m.ChatId, m.Text)).ToHashSet();
        return texts.All(t => replies.Contains((t.Chat, $"reply: {t.Text}")));
    }
}
