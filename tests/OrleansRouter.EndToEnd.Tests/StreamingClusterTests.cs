using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>A streamed answer on a cluster of silos on Redis: the silo that followed it dies, another follows it on.</summary>
public sealed class StreamingClusterTests
{
    private static readonly string Answer = string.Join(' ', Enumerable.Range(1, 40).Select(i => $"word{i}"));

    [Fact]
    public async Task A_silo_killed_mid_stream_is_replaced_by_another_that_follows_the_same_task_and_answers_once()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 2, extra: new Dictionary<string, string> { ["LOG_LEVEL"] = "Debug" }, agent: agent =>
        {
            agent.Streams = true;
            agent.Steps = _ => A2ATestAgent.WordByWord(Answer, TimeSpan.FromMilliseconds(250));
        });
        var chat = Traffic.Chats(1)[0];

        cluster.Telegram.Post(chat, "a long answer, please");
        await cluster.Telegram.WaitUntilAsync(t => t.DraftsIn(chat).Any(d => d.Text.Length > 0), TimeSpan.FromSeconds(60), "the answer growing in a draft");
        var victim = cluster.Running.Single(s => s.EventsNamed("chat.accepted").Any());
        victim.Kill();
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));

        // The chat's reminder wakes it on the silo that is left, which follows the task on.
        await cluster.Telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, TimeSpan.FromSeconds(120), "the answer after the kill");

        Assert.Equal(Answer, Assert.Single(cluster.Telegram.SentTo(chat)).Text);
        Assert.Single(cluster.Agent.Tasks);
        Assert.Single(cluster.Agent.Calls, c => c.Method == "SendStreamingMessage");
        var survivor = Assert.Single(cluster.Running);
        Assert.NotEmpty(survivor.EventsNamed("a2a.stream_resumed"));
        Assert.Single(cluster.Telegram.DraftsIn(chat).Select(d => d.DraftId).Distinct());
    }
}
