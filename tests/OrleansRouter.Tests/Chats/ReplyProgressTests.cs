using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

/// <summary>The reply's progress, stored apart from the chat state: which of the two holds the newer truth.</summary>
public sealed class ReplyProgressTests
{
    private static InboxItem Replying(string id, int delivered = 0) => new()
    {
        Message = new InboundMessage(1, 42, 1, "hi", DateTimeOffset.UnixEpoch, IsGroup: false),
        AgentMessageId = id,
        Stage = InboxStage.Replying,
        ReplyParts = ["a", "b", "c", "d"],
        PartsDelivered = delivered,
    };

    [Fact]
    public void Progress_recorded_after_the_chat_state_was_written_is_taken_on_activation()
    {
        var live = Replying("m1");
        var progress = new ReplyProgress();
        var stored = live with { };
        live.PartsDelivered = 3;
        progress.Record(live);

        progress.ApplyTo(stored);

        Assert.Equal(3, stored.PartsDelivered);
    }

    [Fact]
    public void A_chat_state_written_after_the_progress_wins_over_it()
    {
        var live = Replying("m1", delivered: 1);
        var progress = new ReplyProgress();
        progress.Record(live);
        live.NextAttemptAt = DateTimeOffset.UnixEpoch.AddMinutes(1);
        var stored = live with { };

        progress.ApplyTo(stored);

        Assert.Equal(DateTimeOffset.UnixEpoch.AddMinutes(1), stored.NextAttemptAt);
    }

    [Fact]
    public void Progress_of_another_item_and_state_stored_before_progress_existed_are_left_as_read()
    {
        var old = Replying("m2", delivered: 2);
        var other = new ReplyProgress();
        other.Record(Replying("m1", delivered: 4));

        other.ApplyTo(old);
        new ReplyProgress().ApplyTo(old);

        Assert.Equal(2, old.PartsDelivered);
    }
}
