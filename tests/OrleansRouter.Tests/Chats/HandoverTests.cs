using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

/// <summary>A group's move to a supergroup as state changes on both sides: plain code, no grain.</summary>
public sealed class HandoverTests
{
    private const long Group = -42;
    private const long Supergroup = -100_42;
    private const int Roomy = 1_000;

    private static InboundMessage Message(long updateId, long? migrateTo = null) =>
        new(updateId, Group, (int)updateId, migrateTo is null ? $"hi {updateId}" : null, DateTimeOffset.UnixEpoch, IsGroup: true, MigrateToChatId: migrateTo);

    [Fact]
    public void The_old_group_keeps_only_the_messages_that_came_in_during_the_handover_and_no_conversation()
    {
        var group = new ChatState { ChosenPersona = "echo" };
        group.ConversationWith("echo").ContextId = "ctx";
        var notice = group.Accept(Message(1, migrateTo: Supergroup), Roomy).Item!;
        group.Accept(Message(2), Roomy);
        var handed = ChatMigration.HandedOver(group, except: notice);
        var lateComer = group.Accept(Message(3), Roomy).Item!;

        ChatMigration.MoveOut(group, Supergroup, handed, except: notice);

        Assert.Equal([lateComer], group.Inbox);
        Assert.Equal(Supergroup, group.MovedTo);
        Assert.Null(group.ChosenPersona);
        Assert.Empty(group.Conversations);
    }

    [Fact]
    public void An_unsent_overflow_notice_does_not_outlive_the_move_so_the_old_group_is_not_handed_over_again_and_again()
    {
        var group = new ChatState();
        group.Accept(Message(1), maxDepth: 1);
        var notice = group.Accept(Message(2), maxDepth: 1).Item!;
        Assert.Equal(InboxItemKind.OverflowNotice, notice.Kind);

        // Not the notice's own decision: once the group has moved, every item at its head is a handover.
        var handed = ChatMigration.HandedOver(group, except: null);
        ChatMigration.MoveOut(group, Supergroup, handed, except: null);

        Assert.Empty(group.Inbox);
    }

    [Fact]
    public void The_supergroup_takes_the_conversation_and_the_messages_once_however_often_they_are_handed_over()
    {
        var group = new ChatState { ChosenPersona = "echo" };
        group.ConversationWith("echo").ContextId = "ctx";
        group.Accept(Message(2), Roomy);
        group.Accept(Message(3), Roomy).Item!.BeginCall("echo");
        var handover = ChatMigration.Handover(Group, group, ChatMigration.HandedOver(group, except: null));
        var supergroup = new ChatState();

        ChatMigration.Adopt(Supergroup, supergroup, handover, insertAt: 0);
        ChatMigration.Adopt(Supergroup, supergroup, handover, insertAt: 0);

        Assert.Equal([2L, 3L], supergroup.Inbox.Select(item => item.Message.UpdateId));
        Assert.All(supergroup.Inbox, item => Assert.Equal(Supergroup, item.Message.ChatId));
        Assert.Equal([InboxStage.Received, InboxStage.Calling], supergroup.Inbox.Select(item => item.Stage));
        Assert.True(supergroup.HasSeen(2) && supergroup.HasSeen(3));
        Assert.Equal("echo", supergroup.ChosenPersona);
        Assert.Equal("ctx", supergroup.Conversations["echo"].ContextId);
    }
}
