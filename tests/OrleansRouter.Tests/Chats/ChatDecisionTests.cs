using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

/// <summary>What a chat does with a message whose turn has come: plain rules, no grain.</summary>
public sealed class ChatDecisionTests
{
    private const long Supergroup = -100_42;

    private static InboxItem Item(string? text, InboxItemKind kind = InboxItemKind.Message, long? migrateTo = null) =>
        InboxItem.For(new InboundMessage(1, -42, 7, text, DateTimeOffset.UnixEpoch, IsGroup: true, MigrateToChatId: migrateTo), kind);

    [Fact]
    public void Telegrams_notice_that_the_group_moved_hands_over_without_itself()
    {
        var decision = ChatDecision.Of(Item(null, migrateTo: Supergroup), movedTo: null);

        Assert.Equal(new ChatDecision.HandOver(Supergroup, ItemAnnouncesIt: true), decision);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("/reset")]
    [InlineData(null)]
    public void Whatever_comes_after_the_move_is_handed_over_with_the_rest(string? text)
    {
        var decision = ChatDecision.Of(Item(text), movedTo: Supergroup);

        Assert.Equal(new ChatDecision.HandOver(Supergroup, ItemAnnouncesIt: false), decision);
    }

    [Fact]
    public void An_overflow_notice_is_the_overflow_reply_whatever_its_message_says()
    {
        Assert.IsType<ChatDecision.Overflow>(ChatDecision.Of(Item("/reset", InboxItemKind.OverflowNotice), movedTo: null));
        Assert.IsType<ChatDecision.Overflow>(ChatDecision.Of(Item(null, InboxItemKind.OverflowNotice), movedTo: null));
    }

    [Fact]
    public void A_message_without_text_is_unsupported()
    {
        Assert.IsType<ChatDecision.Unsupported>(ChatDecision.Of(Item(null), movedTo: null));
    }

    [Theory]
    [InlineData("/start")]
    [InlineData("/persona echo")]
    [InlineData("/reset@OtherBot")]
    [InlineData("/weather@Router_Bot Paris")]
    public void A_command_or_a_command_addressed_to_a_bot_is_a_command(string text)
    {
        var decision = ChatDecision.Of(Item(text), movedTo: null);

        Assert.Equal(new ChatDecision.Command(ChatCommand.Parse(text)!), decision);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("/weather Paris")]
    public void Text_and_an_unaddressed_unknown_command_are_calls(string text)
    {
        Assert.IsType<ChatDecision.Call>(ChatDecision.Of(Item(text), movedTo: null));
    }

    [Fact]
    public void A_call_stays_a_call_while_the_rate_window_has_room_and_is_refused_when_it_is_full()
    {
        var full = RateDecision.Deny(DateTimeOffset.UnixEpoch.AddMinutes(5), "chat");

        Assert.IsType<ChatDecision.Call>(ChatDecision.Rated(RateDecision.Allow));
        Assert.Equal(new ChatDecision.Refuse(full), ChatDecision.Rated(full));
    }
}
