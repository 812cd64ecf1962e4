using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>A cluster whose router has a push address and whose agent notifies; a lost notice is made up after 30 s.</summary>
public class PushCluster : RouterCluster
{
    public PushCluster() => Agent.Pushes = true;

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    public override PushAddresses Push { get; } = new(new Uri("https://router.test/a2a/push"), "test-salt-of-the-push-cluster");

    public override StreamingOptions Streaming => new()
    {
        PreviewInterval = TimeSpan.FromMilliseconds(100),
        PushFallbackPoll = TimeSpan.FromSeconds(30),
    };
}

/// <summary>The same, making up for a lost notice after 200 ms.</summary>
public sealed class QuickFallbackPushCluster : PushCluster
{
    public override StreamingOptions Streaming => base.Streaming with { PushFallbackPoll = TimeSpan.FromMilliseconds(200) };
}

/// <summary>
/// A task whose stream ends or goes quiet before it does, at an agent that sends push notifications: the chat waits
/// for the notification with no stream open, checks its token, asks the agent for the task, and answers once.
/// </summary>
public sealed class PushChatTests(PushCluster cluster) : IClassFixture<PushCluster>
{
    private IChatGrain Chat(long chatId) => cluster.Grains.GetGrain<IChatGrain>(chatId);

    private static string TaskOf(long chat) => $"push-task-{chat}";

    /// <summary>Streams the message's first events and ends the stream there: the task goes on at the agent.</summary>
    private async Task<AgentRequest> StartAndCutAsync(long chat, string text)
    {
        var feed = new EventFeed();
        cluster.Agent.Stream = _ => feed.ReadAsync();
        await Chat(chat).AcceptAsync(Message(chat, text));
        feed.Snapshot(TaskOf(chat));
        feed.Chunk(TaskOf(chat), "Working on it");
        feed.End();
        await Eventually.HoldsAsync(async () => (await Chat(chat).GetState()).NextRetryAt is not null, "the chat waiting for the notice");
        return Assert.Single(cluster.Agent.RequestsWith(text));
    }

    private static AgentStreamEvent Task(long chat, AgentTaskState state, string text) =>
        new AgentStreamEvent.Snapshot(TaskOf(chat), "ctx", state, "", [new ArtifactText("artifact-0", text)]);

    [Fact]
    public async Task A_cut_task_waits_for_its_notice_with_no_stream_open_and_answers_once_when_it_is_over()
    {
        var chat = NewChatId();
        var resumed = 0;
        cluster.Agent.Resume = _ =>
        {
            Interlocked.Increment(ref resumed);
            return new EventFeed().ReadAsync();
        };
        var request = await StartAndCutAsync(chat, "a long job");

        // Registered with the stream: the chat's own sealed route, and a token of the message's own.
        var push = Assert.IsType<PushTarget>(request.Push);
        Assert.Equal(chat, cluster.Push.ChatOf(push.Url.Segments[^1]));
        Assert.True(push.Token.Length >= 40);

        // Not the task, not the token: nothing happens.
        Assert.Equal(PushReceipt.Ignored, await Chat(chat).NotifyAsync(new PushNotice("another-task", push.Token)));
        Assert.Equal(PushReceipt.Refused, await Chat(chat).NotifyAsync(new PushNotice(TaskOf(chat), push.Token + "x")));

        // A notice while the task still works: asked once, and waiting again.
        var peeks = 0;
        cluster.Agent.Peek = _ => Interlocked.Increment(ref peeks) == 1
            ? Task(chat, AgentTaskState.Working, "Working on it, still")
            : Task(chat, AgentTaskState.Completed, "All done.");
        Assert.Equal(PushReceipt.Woke, await Chat(chat).NotifyAsync(new PushNotice(TaskOf(chat), push.Token)));
        await Eventually.HoldsAsync(async () => peeks == 1 && (await Chat(chat).GetState()).NextRetryAt is not null, "waiting again");

        Assert.Equal(PushReceipt.Woke, await Chat(chat).NotifyAsync(new PushNotice(TaskOf(chat), push.Token)));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");

        // The same notice again, once the answer is out: nothing more is sent.
        Assert.Equal(PushReceipt.Ignored, await Chat(chat).NotifyAsync(new PushNotice(TaskOf(chat), push.Token)));
        Assert.Equal(["All done."], cluster.Sender.SentTo(chat));
        Assert.Equal(0, resumed);
        Assert.Equal(2, peeks);
    }

    [Fact]
    public async Task A_stop_while_the_chat_waits_for_a_notice_stops_the_task_at_once()
    {
        var chat = NewChatId();
        await StartAndCutAsync(chat, "stop me later");

        await Chat(chat).AcceptAsync(Message(chat, "/cancel"));

        // Well before the 30 s the chat would otherwise wait.
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the stop", TimeSpan.FromSeconds(15));
        Assert.Equal(["Stopped."], cluster.Sender.SentTo(chat));
        Assert.Contains(cluster.Agent.Cancelled, t => t.TaskId == TaskOf(chat));
    }

    [Fact]
    public async Task A_task_whose_agent_does_not_notify_is_followed_again_as_before()
    {
        var chat = NewChatId();
        var feed = new EventFeed();
        var resumed = new EventFeed();
        cluster.Agent.Stream = _ => feed.ReadAsync();
        cluster.Agent.Resume = _ => resumed.ReadAsync();
        cluster.Agent.Pushes = false;
        try
        {
            await Chat(chat).AcceptAsync(Message(chat, "no push here"));
            feed.Snapshot(TaskOf(chat));
            feed.End();
            resumed.Write(Task(chat, AgentTaskState.Completed, "Followed again."));

            await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");
            Assert.Equal(["Followed again."], cluster.Sender.SentTo(chat));
        }
        finally
        {
            cluster.Agent.Pushes = true;
        }
    }
}

/// <summary>A notice that never comes: the chat asks for the task now and then all the same.</summary>
public sealed class PushFallbackTests(QuickFallbackPushCluster cluster) : IClassFixture<QuickFallbackPushCluster>
{
    [Fact]
    public async Task A_lost_notice_is_made_up_by_asking_for_the_task()
    {
        var chat = NewChatId();
        var task = $"lost-notice-{chat}";
        var feed = new EventFeed();
        cluster.Agent.Stream = _ => feed.ReadAsync();
        var peeks = 0;
        cluster.Agent.Peek = _ => Interlocked.Increment(ref peeks) < 3
            ? new AgentStreamEvent.Snapshot(task, "ctx", AgentTaskState.Working, "", [])
            : new AgentStreamEvent.Snapshot(task, "ctx", AgentTaskState.Completed, "", [new ArtifactText("artifact-0", "Found it.")]);
        await cluster.Grains.GetGrain<IChatGrain>(chat).AcceptAsync(Message(chat, "nobody tells"));
        feed.Snapshot(task);
        feed.End();

        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");
        Assert.Equal(["Found it."], cluster.Sender.SentTo(chat));
        Assert.Equal(3, peeks);
    }
}
