using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

/// <summary>The inbox's bookkeeping in the chat state: redeliveries, overflow, taking an accept back, dead letters.</summary>
public sealed class InboxTests
{
    private const int Roomy = 1_000;

    private static InboundMessage Message(long updateId, string? text = "hi") =>
        new(updateId, 42, (int)updateId, text, DateTimeOffset.UnixEpoch, IsGroup: false);

    [Fact]
    public void An_accepted_message_joins_the_inbox_behind_the_others_and_its_redelivery_is_recognised()
    {
        var state = new ChatState();

        var first = state.Accept(Message(1), Roomy);
        var second = state.Accept(Message(2), Roomy);

        Assert.Equal([first.Item!, second.Item!], state.Inbox);
        Assert.Same(first.Item, state.Head());
        Assert.False(first.Overflowed);
        Assert.Equal(InboxStage.Received, first.Item!.Stage);
        Assert.True(state.HasSeen(1));
        Assert.False(state.HasSeen(3));
    }

    [Fact]
    public void The_last_128_update_ids_are_remembered_and_older_ones_forgotten()
    {
        var state = new ChatState();

        for (var updateId = 1; updateId <= 129; updateId++)
        {
            state.Accept(Message(updateId), Roomy);
        }

        Assert.False(state.HasSeen(1));
        Assert.True(state.HasSeen(2));
        Assert.True(state.HasSeen(129));
        Assert.Equal(128, state.RecentUpdateIds.Count);
    }

    [Fact]
    public void A_full_inbox_counts_every_overflowing_message_and_queues_one_notice_for_the_run()
    {
        var state = new ChatState();
        state.Accept(Message(1), maxDepth: 2);
        state.Accept(Message(2), maxDepth: 2);

        var first = state.Accept(Message(3), maxDepth: 2);
        var second = state.Accept(Message(4), maxDepth: 2);

        Assert.True(first.Overflowed);
        Assert.Equal(InboxItemKind.OverflowNotice, first.Item!.Kind);
        Assert.True(second.Overflowed);
        Assert.Null(second.Item);
        Assert.Equal(3, state.Inbox.Count);
        Assert.Equal(2, state.Overflowed);
        Assert.True(state.HasSeen(4));
    }

    [Fact]
    public void A_notice_already_answered_starts_a_new_run_and_notices_do_not_count_as_messages()
    {
        var state = new ChatState();
        state.Accept(Message(1), maxDepth: 1);
        var notice = state.Accept(Message(2), maxDepth: 1).Item!;
        notice.BeginReply(ChatReplies.Overflow);

        var next = state.Accept(Message(3), maxDepth: 1);
        state.Complete(state.Head()!);
        var room = state.Accept(Message(4), maxDepth: 1);

        Assert.Equal(InboxItemKind.OverflowNotice, next.Item!.Kind);
        Assert.False(room.Overflowed);
        Assert.Equal([notice, next.Item, room.Item!], state.Inbox);
    }

    [Fact]
    public void Taking_an_accept_back_leaves_the_state_as_it_was_so_that_the_redelivery_is_accepted_again()
    {
        var state = new ChatState();
        var kept = state.Accept(Message(1), maxDepth: 2).Item!;

        state.TakeBack(state.Accept(Message(2), maxDepth: 2));
        Assert.Equal([kept], state.Inbox);
        Assert.Equal([1L], state.RecentUpdateIds);

        var message = state.Accept(Message(2), maxDepth: 2).Item!;
        state.TakeBack(state.Accept(Message(3), maxDepth: 2));
        Assert.Equal([kept, message], state.Inbox);
        Assert.Equal(0, state.Overflowed);
        Assert.False(state.HasSeen(3));

        var redelivered = state.Accept(Message(3), maxDepth: 2);
        Assert.True(redelivered.Overflowed);
        Assert.Equal(1, state.Overflowed);
        Assert.Equal([kept, message, redelivered.Item!], state.Inbox);
    }

    [Fact]
    public void The_head_waits_until_its_next_attempt_is_due()
    {
        var now = DateTimeOffset.UnixEpoch.AddHours(1);
        var state = new ChatState();
        Assert.Equal(TimeSpan.Zero, state.WaitForHead(now));

        var head = state.Accept(Message(1), Roomy).Item!;
        state.Accept(Message(2), Roomy).Item!.NextAttemptAt = now.AddMinutes(9);
        Assert.Equal(TimeSpan.Zero, state.WaitForHead(now));

        head.NextAttemptAt = now.AddSeconds(30);
        Assert.Equal(TimeSpan.FromSeconds(30), state.WaitForHead(now));
    }

    [Fact]
    public void A_dead_letter_keeps_the_message_its_stage_and_why_and_only_the_newest_hundred_are_kept()
    {
        var state = new ChatState();
        var at = DateTimeOffset.UnixEpoch.AddDays(1);
        for (var updateId = 1; updateId <= 101; updateId++)
        {
            var item = state.Accept(Message(updateId), Roomy).Item!;
            item.BeginCall("echo");
            state.KeepDeadLetter(item, $"agent 500: {updateId}", at);
            state.Complete(item);
        }

        Assert.Empty(state.Inbox);
        Assert.Equal(100, state.DeadLetters.Count);
        Assert.Equal(new DeadLetter(Message(2), InboxStage.Calling, "agent 500: 2", at), state.DeadLetters[0]);
        Assert.Equal(101, state.DeadLetters[^1].Message.UpdateId);
    }
}
