using OrleansRouter.Media;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// What a chat does with a message whose turn has come. The same rules decide for the message an idle chat calls as
/// it accepts it and for the one the pump takes from the head of the inbox. They are plain code: the grain asks the
/// persona's rate window (and, for a command, Telegram) for the facts, and carries the decision out.
/// </summary>
internal abstract record ChatDecision
{
    private static readonly Call ToAgent = new();

    private ChatDecision()
    {
    }

    /// <summary>The first verdict on a received item; a <see cref="Call"/> still waits for <see cref="Rated"/>.</summary>
    /// <param name="movedTo">The supergroup the chat became, if it did.</param>
    /// <param name="maxFileBytes">The largest file the router forwards (<c>MEDIA_MAX_BYTES</c>).</param>
    public static ChatDecision Of(InboxItem item, long? movedTo, long maxFileBytes = MediaOptions.TelegramDownloadLimit)
    {
        if (item.Message.MigrateToChatId is { } supergroup)
        {
            return new HandOver(supergroup, ItemAnnouncesIt: true);
        }

        // The group became a supergroup earlier; whatever still comes here belongs there.
        if (movedTo is { } target)
        {
            return new HandOver(target, ItemAnnouncesIt: false);
        }

        if (item.Kind == InboxItemKind.OverflowNotice)
        {
            return new Overflow();
        }

        // A file with a caption is for the agent, whatever its caption says: no command carries a file.
        if (item.Message.Files is { Length: > 0 } files)
        {
            return files.FirstOrDefault(f => f.Size > maxFileBytes) is { } large ? new FileTooLarge(large, maxFileBytes) : ToAgent;
        }

        if (item.Message.Text is not { } text)
        {
            return new Unsupported();
        }

        return ChatCommand.Parse(text) is { } command ? new Command(command) : ToAgent;
    }

    /// <summary>What becomes of a call once the persona's rate window answered: the call, or a refusal while it is full.</summary>
    public static ChatDecision Rated(RateDecision window) => window.Allowed ? ToAgent : new Refuse(window);

    /// <summary>The group became a supergroup: the conversation and every unanswered message move there.</summary>
    /// <param name="ItemAnnouncesIt">The item is Telegram's notice of the move: nothing to answer, it goes nowhere.</param>
    public sealed record HandOver(long Supergroup, bool ItemAnnouncesIt) : ChatDecision;

    /// <summary>The notice that messages were not passed on because the inbox was full.</summary>
    public sealed record Overflow : ChatDecision;

    /// <summary>Content the router cannot read: the user is told so.</summary>
    public sealed record Unsupported : ChatDecision;

    /// <summary>A file larger than the router forwards: the user is told the limit, and nothing is downloaded.</summary>
    public sealed record FileTooLarge(InboundFile File, long Limit) : ChatDecision;

    /// <summary>
    /// A command: the router answers it, or drops it when it is another bot's, or passes it to the agent when it is
    /// this bot's but not the router's (<see cref="CommandRules"/>).
    /// </summary>
    public sealed record Command(ChatCommand Parsed) : ChatDecision;

    /// <summary>Text (and files) for the agent, if the persona's rate window has room for it, and the agent takes the files.</summary>
    public sealed record Call : ChatDecision;

    /// <summary>The persona's rate window is full: the user is told when to try again.</summary>
    public sealed record Refuse(RateDecision Window) : ChatDecision;
}
