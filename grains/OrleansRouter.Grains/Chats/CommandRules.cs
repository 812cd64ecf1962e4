using OrleansRouter.Chats;

namespace OrleansRouter.Grains.Chats;

/// <summary>What the chat does with a command.</summary>
internal enum CommandRoute
{
    /// <summary>Addressed to another bot: not for us. Dropped unanswered, and nothing reaches the agent.</summary>
    Ignore,

    /// <summary>Addressed to this bot but not one of the router's commands: ordinary text for the agent.</summary>
    Agent,

    /// <summary>The router answers it.</summary>
    Run,

    /// <summary>The router answers it if the sender administers the group; else a short refusal.</summary>
    RunForAdmins,
}

/// <summary>
/// The decisions about a command, as plain code: whom it is addressed to, and who may use it. The grain asks
/// Telegram the facts (its username, a sender's membership) and these rules decide.
/// </summary>
internal static class CommandRules
{
    /// <param name="botUsername">This bot's username; null when unknown, and then an addressed command is not taken
    /// as ours: a group's <c>/reset@OtherBot</c> must never reset this bot's conversation.</param>
    public static CommandRoute Route(ChatCommand command, string? botUsername, bool isGroup, GroupCommandPolicy policy)
    {
        if (command.Addressee is { } addressee && !string.Equals(addressee, botUsername, StringComparison.OrdinalIgnoreCase))
        {
            return CommandRoute.Ignore;
        }

        return command.Kind switch
        {
            ChatCommandKind.Other => CommandRoute.Agent,
            ChatCommandKind.Reset or ChatCommandKind.Persona when isGroup && policy == GroupCommandPolicy.Admins => CommandRoute.RunForAdmins,
            _ => CommandRoute.Run,
        };
    }

    /// <summary>
    /// What the message itself says about its sender: an anonymous admin writes as the group itself (true); a post
    /// on behalf of another chat (a linked channel) or a message with no sender is no admin's (false). Null when
    /// only Telegram can tell (<see cref="IChatMembers.IsAdminAsync"/>).
    /// </summary>
    public static bool? SentByAdmin(InboundMessage message) => message switch
    {
        { SenderChatId: { } senderChat } => senderChat == message.ChatId,
        { SenderId: null } => false,
        _ => null,
    };
}
