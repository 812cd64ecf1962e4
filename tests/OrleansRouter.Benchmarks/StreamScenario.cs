using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using static OrleansRouter.Benchmarks.Figures;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// Issue 13's streaming benchmark: 50 private chats × 2 messages, the chats starting 40 ms apart (all 50 within 2 s)
/// and each chat's second message right behind its first, the agent streaming each answer in 10 chunks 200 ms apart,
/// Telegram's default limits on both sides (the router's pacing, and an emulator that answers 429 above
/// 30 sends a second, or a chat's one a second with short bursts). Per message: from the agent's first chunk to the
/// first text the user sees (a draft, or the reply itself when no draft came first), and from its last chunk to the
/// reply; the 429s, the refused "not modified" edits, lost and doubled replies.
/// </summary>
public static class StreamScenario
{
    private const int Chats = 50;
    private const int PerChat = 2;
    private const int Chunks = 10;
    private static readonly TimeSpan Apart = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Between two chats' first messages. All at the same instant, 50 replies would finish together and share the
    /// bot's 30 messages a second: the last would wait 1.7 s for its turn, whatever the router did.
    /// </summary>
    private static readonly TimeSpan Stagger = TimeSpan.FromMilliseconds(40);

    public static async Task<JsonObject> RunAsync(RouterBuild build, string storage)
    {
        await using var rig = await Rig.StartAsync(build, storage, TimeSpan.Zero, paced: true, agent: agent =>
        {
            agent.Streams = true;
            agent.Steps = call => [.. Enumerable.Range(0, Chunks).Select(i => (TaskStep)new TaskStep.Chunk(Chunk(call.Text, i), Apart, LastChunk: i == Chunks - 1)),
                new TaskStep.Status("completed", TimeSpan.Zero)];
        });
        await rig.WarmUpAsync();
        rig.Telegram.Limits = new FloodLimits(PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20);
        var processor = rig.Router.ProcessorTime;

        var messages = await rig.PostStaggeredAsync(Chats, Stagger, chat => Enumerable.Range(1, PerChat).Select(i => $"stream {chat}-{i}"));

        await rig.Telegram.WaitUntilAsync(
            t => messages.All(m => t.SentTo(m.Chat).Any(s => s.Text == Answer(m.Text))), TimeSpan.FromMinutes(3), "every streamed reply");
        var cpu = rig.Router.ProcessorTime - processor;

        var tasks = rig.Agent.Tasks.Values.Where(t => t.Request.StartsWith("stream ", StringComparison.Ordinal)).ToDictionary(t => t.Request);
        var firstVisible = new List<double>();
        var final = new List<double>();
        var draftsShown = 0;
        foreach (var (chat, text) in messages)
        {
            var task = tasks[text];
            var reply = rig.Telegram.SentTo(chat).First(s => s.Text == Answer(text));
            var draft = rig.Telegram.DraftsIn(chat).FirstOrDefault(d => d.Text.StartsWith(Chunk(text, 0), StringComparison.Ordinal));
            draftsShown += rig.Telegram.DraftsIn(chat).Count(d => d.Text.StartsWith(Chunk(text, 0), StringComparison.Ordinal));
            var seen = draft is not null && draft.At < reply.At ? draft.At : reply.At;
            firstVisible.Add((seen - task.ChunkTimes[0]).TotalMilliseconds);
            final.Add((reply.At - task.ChunkTimes[^1]).TotalMilliseconds);
        }

        var figures = new JsonObject
        {
            ["messages"] = messages.Count,
            ["chunks_per_answer"] = Chunks,
            ["chunk_interval_ms"] = Apart.TotalMilliseconds,
            ["chat_stagger_ms"] = Stagger.TotalMilliseconds,
            ["first_visible_p50_ms"] = Round(Percentile([.. firstVisible.Order()], 0.50)),
            ["first_visible_p95_ms"] = Round(Percentile([.. firstVisible.Order()], 0.95)),
            ["first_visible_max_ms"] = Round(firstVisible.Max()),
            ["final_after_last_chunk_p50_ms"] = Round(Percentile([.. final.Order()], 0.50)),
            ["final_after_last_chunk_p95_ms"] = Round(Percentile([.. final.Order()], 0.95)),
            ["final_after_last_chunk_max_ms"] = Round(final.Max()),
            ["drafts_with_text"] = draftsShown,
            ["responses_429"] = rig.Telegram.TooManyRequests,
            ["not_modified"] = rig.Telegram.NotModified,
            ["router_cpu_seconds"] = Round(cpu.TotalSeconds),
        };
        return Result("stream", storage, figures, rig.LostAndDoubled(messages, Answer));
    }

    /// <summary>The <paramref name="index"/>th chunk of the answer to <paramref name="text"/>: "reply: text" first, then " partN".</summary>
    private static string Chunk(string text, int index) => index == 0 ? $"reply: {text}" : $" part{index}";

    private static string Answer(string text) => string.Concat(Enumerable.Range(0, Chunks).Select(i => Chunk(text, i)));
}
