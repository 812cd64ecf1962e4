using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Grains.Storage;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>
/// Chat state written by <see cref="PlainJsonStorageSerializer"/> and by Orleans' default serializer (the previous
/// release's format) is read by the other: silos of both releases share one store during a rolling upgrade.
/// </summary>
public sealed class ChatStorageFormatTests(ChatCluster cluster) : IClassFixture<ChatCluster>
{
    private readonly IGrainStorageSerializer _previous = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainStorageSerializer>();

    private PlainJsonStorageSerializer Plain => new(_previous);

    [Fact]
    public void The_previous_release_reads_what_this_one_writes()
    {
        var state = BusyChat();

        var read = _previous.Deserialize<ChatState>(Plain.Serialize(state));

        Assert.Equal(Canonical(state), Canonical(read));
    }

    [Fact]
    public void This_release_reads_what_the_previous_one_wrote()
    {
        var state = BusyChat();
        var written = _previous.Serialize(state);

        Assert.True(PlainJsonStorageSerializer.WrittenWithMetadata(written.ToMemory().Span));
        Assert.Equal(Canonical(state), Canonical(Plain.Deserialize<ChatState>(written)));
    }

    [Fact]
    public void Reply_progress_crosses_releases_both_ways()
    {
        var progress = new ReplyProgress
        {
            AgentMessageId = "m-1", Version = 3, PartsDelivered = 2, SendAttempts = 1, NextAttemptAt = At(5), LastFailure = "429",
            Shown = new() { ["artifact-0"] = 120 }, ShownDigest = -42,
        };

        Assert.Equal(Canonical(progress), Canonical(_previous.Deserialize<ReplyProgress>(Plain.Serialize(progress))));
        Assert.Equal(Canonical(progress), Canonical(Plain.Deserialize<ReplyProgress>(_previous.Serialize(progress))));
    }

    [Fact]
    public void Plain_state_carries_no_metadata_and_is_smaller()
    {
        var state = BusyChat();
        var plain = Plain.Serialize(state);

        Assert.False(PlainJsonStorageSerializer.WrittenWithMetadata(plain.ToMemory().Span));
        Assert.DoesNotContain("\"$", plain.ToString(), StringComparison.Ordinal);
        Assert.True(plain.ToMemory().Length < _previous.Serialize(state).ToMemory().Length);
    }

    [Fact]
    public void An_empty_chat_round_trips()
    {
        var empty = new ChatState();

        Assert.Equal(Canonical(empty), Canonical(Plain.Deserialize<ChatState>(Plain.Serialize(empty))));
        Assert.Equal(Canonical(empty), Canonical(_previous.Deserialize<ChatState>(Plain.Serialize(empty))));
    }

    /// <summary>Records holding lists compare by reference: compare what they hold, as text.</summary>
    private string Canonical<T>(T? state) => Plain.Serialize(state).ToString();

    private static DateTimeOffset At(int seconds) => new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero).AddSeconds(seconds).AddTicks(1234);

    private static ChatState BusyChat()
    {
        var chat = NewChatId();
        var state = new ChatState
        {
            ChosenPersona = "other",
            Overflowed = 2,
            WakeReminderSet = true,
            MovedTo = -100_123,
        };
        state.RecentUpdateIds.AddRange(Enumerable.Range(1, 128).Select(i => 9_000L + i));
        state.Inbox.Add(new InboxItem
        {
            Message = Message(chat, "héllo \"quoted\" ✓", updateId: 9_127) with { ReceivedAt = At(0), TraceParent = "00-abc-def-01" },
            AgentMessageId = "m-1",
            Stage = InboxStage.Replying,
            Persona = "other",
            AgentAttempts = 2,
            SendAttempts = 1,
            NextAttemptAt = At(7),
            LastFailure = "429",
            ReplyParts = ["part one", "part two"],
            PartsDelivered = 1,
            ProgressVersion = 4,
            TaskId = "task-1",
            PlaceholderId = 17,
            Shown = new() { ["artifact-0"] = 300, ["notes"] = 12 },
            ShownDigest = -7,
            StopRequested = true,
            StreamStartedAt = At(2),
        });
        state.Inbox.Add(new InboxItem { Message = Message(chat, "next", updateId: 9_128) with { ReceivedAt = At(1) }, AgentMessageId = "m-2", Kind = InboxItemKind.OverflowNotice });
        state.Inbox.Add(new InboxItem
        {
            Message = Message(chat, "/cancel", updateId: 9_129) with { ReceivedAt = At(2), CallbackQueryId = "callback-7", StoppedDraftId = 99 },
            AgentMessageId = "m-3",
            StopApplied = true,
        });
        state.Conversations["other"] = new Conversation { ContextId = "ctx", PendingTaskId = "task" };
        state.Conversations["echo"] = new Conversation();
        state.DeadLetters.Add(new DeadLetter(Message(chat, "lost", updateId: 9_001) with { ReceivedAt = At(-60) }, InboxStage.Calling, "agent 500: boom", At(-30)));
        return state;
    }
}
