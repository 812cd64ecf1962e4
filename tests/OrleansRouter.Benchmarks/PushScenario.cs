using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using static OrleansRouter.Benchmarks.Figures;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// Push notifications for long tasks: 50 private chats, one message each, 40 ms apart; the agent streams the first
/// words, its stream is then gone (closed after the task's third event), the task finishes 3 s later on its own and
/// the agent posts its push notification. Per message: from the notification to the reply; and what the router asked
/// the agent while it waited (nothing, if no stream or poll was needed), lost and doubled replies, 429s.
/// </summary>
public static class PushScenario
{
    private const int Chats = 50;
    private static readonly TimeSpan Stagger = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan TaskTakes = TimeSpan.FromSeconds(3);

    public static async Task<JsonObject> RunAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero, paced: true, push: true, agent: agent =>
        {
            agent.Streams = true;
            agent.Pushes = true;
            agent.NotifiesWhenOver = true;
            agent.Steps = call => IsLong(call)
                ?
                [
                    new TaskStep.Chunk($"reply: {call.Text}", TimeSpan.FromMilliseconds(50)),
                    new TaskStep.Chunk(" (done)", TaskTakes, LastChunk: true),
                    new TaskStep.Status("completed", TimeSpan.Zero),
                ]
                : A2ATestAgent.WordByWord($"reply: {call.Text}", TimeSpan.FromMilliseconds(20));
            agent.CutStreamAfter = call => IsLong(call) && call.Method is "SendStreamingMessage" or "message/stream" ? 3 : null;
        });
        await rig.WarmUpAsync();
        var callsBefore = rig.Agent.Calls.Count;
        var processor = rig.Router.ProcessorTime;

        var messages = await rig.PostStaggeredAsync(Chats, Stagger, chat => [$"long {chat}"]);

        // Half a second after the last task's stream was gone, well before the first task ends: what is still open.
        while (rig.Agent.Tasks.Values.Count(t => t.Request.StartsWith("long ", StringComparison.Ordinal) && t.EventCount >= 2) < Chats)
        {
            await Task.Delay(10);
        }

        await Task.Delay(500);
        var openWhileWaiting = rig.Agent.OpenStreams;
        await rig.Telegram.WaitUntilAsync(
            t => messages.All(m => t.SentTo(m.Chat).Any(s => s.Text == Answer(m.Text))), TimeSpan.FromMinutes(3), "every reply");
        var cpu = rig.Router.ProcessorTime - processor;

        var tasks = rig.Agent.Tasks.Values.Where(t => t.Request.StartsWith("long ", StringComparison.Ordinal)).ToDictionary(t => t.Id);
        var notices = rig.Agent.PushesSent.Where(p => tasks.ContainsKey(p.TaskId)).ToDictionary(p => tasks[p.TaskId].Request);
        var afterNotice = messages
            .Select(m => (rig.Telegram.SentTo(m.Chat).First(s => s.Text == Answer(m.Text)).At - notices[m.Text].At).TotalMilliseconds)
            .Order().ToList();
        var calls = rig.Agent.Calls.Skip(callsBefore).GroupBy(c => c.Method).ToDictionary(g => g.Key, g => g.Count());
        var figures = new JsonObject
        {
            ["messages"] = messages.Count,
            ["task_seconds"] = TaskTakes.TotalSeconds,
            ["notices"] = notices.Count,
            ["notices_answered_200"] = notices.Values.Count(p => p.Status == 200),
            ["reply_after_notice_p50_ms"] = Round(Percentile(afterNotice, 0.50)),
            ["reply_after_notice_p95_ms"] = Round(Percentile(afterNotice, 0.95)),
            ["reply_after_notice_max_ms"] = Round(afterNotice.Max()),
            ["streams_opened"] = calls.GetValueOrDefault("SendStreamingMessage"),
            ["streams_open_while_tasks_ran"] = openWhileWaiting,
            ["resubscribes"] = calls.GetValueOrDefault("SubscribeToTask"),
            ["get_task_calls"] = calls.GetValueOrDefault("GetTask"),
            ["responses_429"] = rig.Telegram.TooManyRequests,
            ["router_cpu_seconds"] = Round(cpu.TotalSeconds),
        };
        return Result("push", storage, figures, rig.LostAndDoubled(messages, Answer));
    }

    private static bool IsLong(AgentCall call) => call.Text.StartsWith("long ", StringComparison.Ordinal);

    private static string Answer(string text) => $"reply: {text} (done)";
}
