using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

public sealed class StreamingCluster : RouterCluster
{
    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    public override StreamingOptions Streaming => new()
    {
        PreviewInterval = TimeSpan.FromMilliseconds(100),
        GroupPreviewInterval = TimeSpan.FromMilliseconds(200),
        PlaceholderGrace = TimeSpan.FromMilliseconds(50),
        AuthPollInterval = TimeSpan.FromMilliseconds(100),
        DraftKeepAlive = TimeSpan.FromMilliseconds(400),
    };
}

/// <summary>A chat whose agent streams: drafts and placeholders while the answer grows, the reply once, stops and resumes.</summary>
public sealed class StreamingChatTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>
{
    private IChatGrain Chat(long chatId) => cluster.Grains.GetGrain<IChatGrain>(chatId);

    private RecordingSender Sender => cluster.Sender;

    /// <summary>Each message of the chat streams from its own feed, handed out in order.</summary>
    private Queue<EventFeed> FeedsFor(int count)
    {
        var feeds = new Queue<EventFeed>(Enumerable.Range(0, count).Select(_ => new EventFeed()));
        var handed = new Queue<EventFeed>(feeds);
        cluster.Agent.Stream = _ => handed.Dequeue().ReadAsync();
        return feeds;
    }

    private static string TaskOf(long chat) => $"task-{chat}";

    [Fact]
    public async Task In_a_private_chat_the_answer_grows_in_a_draft_and_arrives_once_as_a_message()
    {
        var chat = NewChatId();
        var feed = FeedsFor(1).Peek();
        using var firstVisible = new Recordings(cluster.Metrics, "stream_first_visible_ms");
        await Chat(chat).AcceptAsync(Message(chat, "tell me"));

        feed.Snapshot(TaskOf(chat));
        await Eventually.HoldsAsync(() => Sender.Drafts.Any(d => d.ChatId == chat), "the empty draft");
        foreach (var word in new[] { "The", " answer", " is", " 42." })
        {
            feed.Chunk(TaskOf(chat), word);
            await Task.Delay(60, TestContext.Current.CancellationToken);
        }

        await Eventually.HoldsAsync(() => Sender.Drafts.Any(d => d.ChatId == chat && d.Text.Length > 0), "a draft with text");
        feed.Status(TaskOf(chat), AgentTaskState.Completed);
        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the reply");

        var drafts = Sender.Drafts.Where(d => d.ChatId == chat).ToList();
        Assert.Equal("", drafts[0].Text);
        Assert.Single(drafts.Select(d => d.DraftId).Distinct());
        Assert.All(drafts.Zip(drafts.Skip(1)), pair => Assert.NotEqual(pair.First.Text, pair.Second.Text));
        Assert.Equal("The answer is 42.", Assert.Single(Sender.SentTo(chat)));

        // Measured once, when the first text showed; the empty draft before it is not what the user waits for.
        var measured = Assert.Single(firstVisible.Values);
        Assert.True(measured >= 60, $"first visible after {measured} ms, before the first word was written");
    }

    [Fact]
    public async Task In_a_group_one_placeholder_is_edited_in_place_and_becomes_the_reply()
    {
        var chat = -NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "tell us"));

        feed.Snapshot(TaskOf(chat));
        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the placeholder");
        feed.Chunk(TaskOf(chat), "Part of it");
        await Eventually.HoldsAsync(() => Sender.Edits.Any(e => e.ChatId == chat), "an edit of the placeholder");
        feed.Chunk(TaskOf(chat), ", and the rest.");
        feed.Status(TaskOf(chat), AgentTaskState.Completed);

        await Eventually.HoldsAsync(() => Sender.ShownIn(chat).SequenceEqual(["Part of it, and the rest."]), "the placeholder showing the reply");
        Assert.Equal([ChatRepliesThinking], Sender.SentTo(chat));
        var edits = Sender.Edits.Where(e => e.ChatId == chat).ToList();
        Assert.All(edits.SkipLast(1), e => Assert.Equal(ReplyButton.Stop, e.Button));
        Assert.Null(edits[^1].Button);
        Assert.All(edits.Zip(edits.Skip(1)), pair => Assert.NotEqual((pair.First.Text, pair.First.Button), (pair.Second.Text, pair.Second.Button)));
    }

    [Fact]
    public async Task A_group_answer_quicker_than_the_grace_costs_one_message_and_no_placeholder()
    {
        var chat = -NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "quick"));

        feed.Snapshot(TaskOf(chat));
        feed.Chunk(TaskOf(chat), "Done.", last: true);
        feed.Status(TaskOf(chat), AgentTaskState.Completed);

        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the reply");
        Assert.Equal(["Done."], Sender.SentTo(chat));
        Assert.DoesNotContain(Sender.Edits, e => e.ChatId == chat);
    }

    [Fact]
    public async Task A_long_answer_replaces_the_placeholder_with_its_first_part_and_sends_the_rest()
    {
        var chat = -NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "long"));
        feed.Snapshot(TaskOf(chat));
        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the placeholder");

        var paragraph = new string('a', 3000) + "\n\n";
        for (var i = 0; i < 4; i++)
        {
            feed.Chunk(TaskOf(chat), paragraph);
        }

        feed.Status(TaskOf(chat), AgentTaskState.Completed);

        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count >= 3, "the reply's later parts");
        var shown = Sender.ShownIn(chat);
        Assert.Equal(string.Concat(Enumerable.Repeat(paragraph, 4)).TrimEnd(), string.Concat(shown).TrimEnd());
        Assert.All(shown, part => Assert.True(part.Length <= MessageSplitter.MaxLength));
    }

    [Fact]
    public async Task A_stream_cut_before_the_answer_ends_is_followed_again_and_answered_once()
    {
        var chat = NewChatId();
        var feeds = FeedsFor(1);
        var resumed = new EventFeed();
        var followed = new List<AgentTask>();
        cluster.Agent.Resume = task =>
        {
            lock (followed)
            {
                followed.Add(task);
            }

            return resumed.ReadAsync();
        };
        await Chat(chat).AcceptAsync(Message(chat, "cut"));

        var first = feeds.Peek();
        first.Snapshot(TaskOf(chat));
        first.Chunk(TaskOf(chat), "Half");
        first.End();
        await Eventually.HoldsAsync(() => followed.Count == 1, "the task followed again");
        resumed.Write(new AgentStreamEvent.Snapshot(TaskOf(chat), "ctx", AgentTaskState.Working, "", [new ArtifactText("artifact-0", "Half")]));
        resumed.Chunk(TaskOf(chat), " and whole.");
        resumed.Status(TaskOf(chat), AgentTaskState.Completed);

        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the reply");
        Assert.Equal(TaskOf(chat), followed[0].TaskId);
        Assert.Single(cluster.Agent.RequestsWith("cut"));
        Assert.Equal(["Half and whole."], Sender.SentTo(chat));
    }

    [Fact]
    public async Task Cancel_stops_the_answer_keeps_what_it_said_and_the_chat_goes_on()
    {
        var chat = NewChatId();
        var feeds = FeedsFor(2);
        await Chat(chat).AcceptAsync(Message(chat, "go on and on"));
        var first = feeds.Dequeue();
        first.Snapshot(TaskOf(chat));
        first.Chunk(TaskOf(chat), "So far");
        await Eventually.HoldsAsync(() => Sender.Drafts.Any(d => d.ChatId == chat && d.Text == "So far"), "the draft");

        await Chat(chat).AcceptAsync(Message(chat, "/cancel"));
        await Chat(chat).AcceptAsync(Message(chat, "next"));
        var second = feeds.Dequeue();
        second.Write(new AgentStreamEvent.Finished(new AgentReply(AgentReplyKind.Message, "next answer", "ctx", null)));

        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 2, "the stop and the next answer");
        Assert.Equal(["So far\n\n(stopped)", "next answer"], Sender.SentTo(chat));
        Assert.Equal(TaskOf(chat), Assert.Single(cluster.Agent.Cancelled, t => t.TaskId == TaskOf(chat)).TaskId);
        Assert.True(first.Abandoned);
    }

    [Fact]
    public async Task The_stop_button_under_a_placeholder_stops_the_answer_and_is_answered()
    {
        var chat = -NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "ramble"));
        feed.Snapshot(TaskOf(chat));
        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the placeholder");

        await Chat(chat).AcceptAsync(Message(chat, InboundMessage.CancelCommand) with { CallbackQueryId = $"callback-{chat}" });

        await Eventually.HoldsAsync(() => Sender.Answers.Any(a => a.CallbackQueryId == $"callback-{chat}"), "the button answered");
        Assert.Equal(["Stopped."], Sender.ShownIn(chat));
        Assert.Single(cluster.Agent.Cancelled, t => t.TaskId == TaskOf(chat));
    }

    [Fact]
    public async Task Only_the_person_who_asked_may_stop_an_answer_in_a_group()
    {
        var chat = -NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "mine"));
        feed.Snapshot(TaskOf(chat));
        await Chat(chat).AcceptAsync(Message(chat, "/cancel", senderId: UserId + 1));
        feed.Chunk(TaskOf(chat), "Kept going.");
        feed.Status(TaskOf(chat), AgentTaskState.Completed);

        await Eventually.HoldsAsync(() => Sender.ShownIn(chat).Contains(ChatRepliesNothingToStop), "the refusal");
        Assert.Contains("Kept going.", Sender.ShownIn(chat));
        Assert.DoesNotContain(cluster.Agent.Cancelled, t => t.TaskId == TaskOf(chat));
    }

    [Fact]
    public async Task Cancel_with_nothing_under_way_says_so()
    {
        var chat = NewChatId();
        await Chat(chat).AcceptAsync(Message(chat, "/cancel"));

        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the answer");
        Assert.Equal([ChatRepliesNothingToStop], Sender.SentTo(chat));
    }

    [Fact]
    public async Task Previews_come_at_most_once_an_interval_with_the_changes_in_between_merged()
    {
        var chat = NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "many chunks"));
        feed.Snapshot(TaskOf(chat));
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < 40; i++)
        {
            feed.Chunk(TaskOf(chat), $"{i} ");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var elapsed = DateTimeOffset.UtcNow - started;
        feed.Status(TaskOf(chat), AgentTaskState.Completed);
        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the reply");

        // One a tenth of a second at most, the empty draft included; 40 chunks came in that time.
        var drafts = Sender.Drafts.Count(d => d.ChatId == chat);
        Assert.InRange(drafts, 2, (int)(elapsed / TimeSpan.FromMilliseconds(100)) + 2);
        Assert.Equal(string.Concat(Enumerable.Range(0, 40).Select(i => $"{i} ")).TrimEnd(), Assert.Single(Sender.SentTo(chat)).TrimEnd());
    }

    [Fact]
    public async Task A_task_that_asks_to_authorize_shows_a_login_button_once_and_goes_on_when_the_agent_does()
    {
        var chat = NewChatId();
        var feed = FeedsFor(1).Peek();
        var polls = 0;
        cluster.Agent.Resume = _ =>
        {
            var resumed = new EventFeed();
            if (Interlocked.Increment(ref polls) < 3)
            {
                resumed.Write(new AgentStreamEvent.Snapshot(TaskOf(chat), "ctx", AgentTaskState.AuthRequired, "Please log in at https://auth.example/login?user=1.", []));
            }
            else
            {
                resumed.Snapshot(TaskOf(chat));
                resumed.Chunk(TaskOf(chat), "Your calendar is clear.");
                resumed.Status(TaskOf(chat), AgentTaskState.Completed);
            }

            return resumed.ReadAsync();
        };
        await Chat(chat).AcceptAsync(Message(chat, "my calendar"));

        feed.Snapshot(TaskOf(chat));
        feed.Status(TaskOf(chat), AgentTaskState.AuthRequired, "Please log in at https://auth.example/login?user=1.");

        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 2, "the login request and then the answer");
        var (_, prompt, button) = Assert.Single(Sender.SentWithButtons, b => b.ChatId == chat);
        Assert.Contains("Please log in at https://auth.example/login?user=1.", prompt, StringComparison.Ordinal);
        Assert.Equal((ChatRepliesLogIn, new Uri("https://auth.example/login?user=1")), (button.Text, button.Url));
        Assert.Equal("Your calendar is clear.", Sender.SentTo(chat)[1]);
        Assert.True(polls >= 3);
    }

    [Fact]
    public async Task A_draft_that_has_not_changed_is_shown_again_before_telegram_drops_it()
    {
        var chat = NewChatId();
        var feed = FeedsFor(1).Peek();
        await Chat(chat).AcceptAsync(Message(chat, "think long"));
        feed.Snapshot(TaskOf(chat));
        feed.Chunk(TaskOf(chat), "Still");

        // Nothing new for well over the keep-alive: the same draft goes again, and again.
        await Eventually.HoldsAsync(() => Sender.Drafts.Count(d => d.ChatId == chat && d.Text == "Still") >= 3, "the draft kept alive");
        feed.Status(TaskOf(chat), AgentTaskState.Completed);
        await Eventually.HoldsAsync(() => Sender.SentTo(chat).Count == 1, "the reply");

        var kept = Sender.Drafts.Where(d => d.ChatId == chat && d.Text == "Still").ToList();
        Assert.Single(kept.Select(d => d.DraftId).Distinct());
        Assert.Equal(["Still"], Sender.SentTo(chat));
    }

    private const string ChatRepliesLogIn = "Log in";

    private const string ChatRepliesThinking = "Thinking…";

    private const string ChatRepliesNothingToStop = "There is no answer under way to stop.";
}
