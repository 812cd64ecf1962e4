using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

/// <summary>Whom a command is addressed to, and who may use it: plain rules, no grain.</summary>
public sealed class CommandRulesTests
{
    private const string Bot = "Router_Bot";

    private static CommandRoute Route(string text, bool isGroup = true, GroupCommandPolicy policy = GroupCommandPolicy.Admins, string? bot = Bot) =>
        CommandRules.Route(ChatCommand.Parse(text)!, bot, isGroup, policy);

    [Theory]
    [InlineData("/reset@OtherBot")]
    [InlineData("/persona@OtherBot echo")]
    [InlineData("/start@OtherBot")]
    [InlineData("/help@OtherBot")]
    [InlineData("/reset@Router_Bot_evil")]
    public void A_command_addressed_to_another_bot_is_ignored(string text)
    {
        Assert.Equal(CommandRoute.Ignore, Route(text));
        Assert.Equal(CommandRoute.Ignore, Route(text, isGroup: false));
    }

    [Fact]
    public void An_addressed_command_is_ignored_while_the_bots_own_username_is_unknown()
    {
        Assert.Equal(CommandRoute.Ignore, Route("/reset@Router_Bot", bot: null));
        Assert.Equal(CommandRoute.Run, Route("/start", bot: null));
    }

    [Theory]
    [InlineData("/start")]
    [InlineData("/start@Router_Bot")]
    [InlineData("/start@router_bot")]
    public void A_command_for_this_bot_or_for_no_bot_is_obeyed(string text) => Assert.Equal(CommandRoute.Run, Route(text));

    [Fact]
    public void An_unknown_command_for_this_bot_is_text_for_the_agent_and_an_unaddressed_one_is_no_command()
    {
        Assert.Equal(CommandRoute.Agent, Route("/weather@Router_Bot Paris"));
        Assert.Null(ChatCommand.Parse("/weather Paris"));
    }

    [Theory]
    [InlineData("/reset")]
    [InlineData("/reset@Router_Bot")]
    [InlineData("/persona")]
    [InlineData("/persona@Router_Bot other")]
    public void Reset_and_persona_in_a_group_are_for_admins_by_default_and_for_everyone_when_configured(string text)
    {
        Assert.Equal(CommandRoute.RunForAdmins, Route(text));
        Assert.Equal(CommandRoute.Run, Route(text, policy: GroupCommandPolicy.Everyone));
        Assert.Equal(CommandRoute.Run, Route(text, isGroup: false));
    }

    [Fact]
    public void The_message_tells_an_anonymous_admin_and_a_channel_post_apart_and_leaves_a_user_to_telegram()
    {
        var message = new InboundMessage(1, -100, 1, "/reset", DateTimeOffset.UnixEpoch, IsGroup: true);

        Assert.True(CommandRules.SentByAdmin(message with { SenderChatId = -100, SenderId = 1087968824 }));
        Assert.False(CommandRules.SentByAdmin(message with { SenderChatId = -200, SenderId = 777000 }));
        Assert.False(CommandRules.SentByAdmin(message));
        Assert.Null(CommandRules.SentByAdmin(message with { SenderId = 42 }));
    }
}
