using Microsoft.Extensions.Logging;
using OrleansRouter.Chats;
using OrleansRouter.Personas;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Answers the router's own commands: obeys one addressed to this bot (or to no bot) if the sender may use it, drops
/// one addressed to another bot, and passes on one that is this bot's but not the router's, as text for the agent.
/// Asks Telegram what it must (the bot's username, whether the sender is an admin), and answers a Stop button's press;
/// says what the chat replies, and the grain stores and sends that.
/// </summary>
internal sealed class CommandAnswers(long chatId, string chatHash, IChatMembers members, ChatCommandOptions options,
    PersonaMap personas, IChatSender sender, ILogger logger)
{
    public async Task<CommandAnswer> AnswerAsync(InboxItem item, ChatCommand command, ChatState state, CancellationToken cancellationToken)
    {
        var username = command.Addressee is null ? null : await members.BotUsernameAsync(cancellationToken);
        switch (CommandRules.Route(command, username, item.Message.IsGroup, options.GroupCommands))
        {
            case CommandRoute.Agent:
                return CommandAnswer.ToAgent;
            case CommandRoute.Ignore:
                ChatLog.CommandIgnored(logger, item.Message.UpdateId, chatHash);
                return CommandAnswer.Silence;
            case CommandRoute.RunForAdmins:
                var admin = CommandRules.SentByAdmin(item.Message)
                    ?? await members.IsAdminAsync(chatId, item.Message.SenderId!.Value, cancellationToken);
                if (admin != true)
                {
                    var name = command.Kind.ToString().ToLowerInvariant();
                    ChatLog.CommandRefused(logger, item.Message.UpdateId, chatHash, name, admin is null ? "unknown" : "member");
                    return new CommandAnswer.Say(admin is null ? ChatReplies.AdminCheckFailed : ChatReplies.AdminsOnly(name));
                }

                break;
        }

        return command.Kind == ChatCommandKind.Cancel
            ? await AnswerStopAsync(item, cancellationToken)
            : new CommandAnswer.Say(ChatCommands.Run(command, state, personas, chatId));
    }

    /// <summary>
    /// A stop request's own turn: it stopped the answer ahead of it when it was accepted, and says nothing more (a
    /// button press is answered, so the user's app stops waiting); or there was nothing to stop, and the user is told.
    /// </summary>
    private async Task<CommandAnswer> AnswerStopAsync(InboxItem item, CancellationToken cancellationToken)
    {
        var said = item.StopApplied ? null : ChatReplies.NothingToStop;
        if (item.Message.CallbackQueryId is { } query)
        {
            await sender.AnswerButtonAsync(query, said ?? "Stopped.", cancellationToken);
            return CommandAnswer.Silence;
        }

        return said is null || item.Message.StoppedDraftId is not null ? CommandAnswer.Silence : new CommandAnswer.Say(said);
    }
}

/// <summary>What the chat does with a command.</summary>
internal abstract record CommandAnswer
{
    public static CommandAnswer ToAgent { get; } = new PassOn();

    public static CommandAnswer Silence { get; } = new Done();

    private CommandAnswer()
    {
    }

    /// <summary>The command is text for the agent.</summary>
    public sealed record PassOn : CommandAnswer;

    /// <summary>Answered without a reply (dropped, or answered already): the message is done.</summary>
    public sealed record Done : CommandAnswer;

    /// <summary>The chat replies this.</summary>
    public sealed record Say(string Text) : CommandAnswer;
}
