namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Which answer a stop request stops, as plain code. A request is <c>/cancel</c> (unaddressed: an addressed one may
/// be another bot's, and is decided in turn like any command), a press of the Stop button under a placeholder, or
/// of a draft's stop button. It stops the message at the head of the inbox while that message is still waiting for
/// or getting its answer, and only the person who sent that message may stop it: in a private chat, anyone there.
/// </summary>
internal static class ChatStop
{
    /// <summary>The item <paramref name="request"/> stops, or null when it stops nothing.</summary>
    public static InboxItem? Target(ChatState state, InboxItem request)
    {
        if (!IsRequest(request.Message) || state.Head() is not { } head || head == request)
        {
            return null;
        }

        var stoppable = head is { Kind: InboxItemKind.Message, Stage: InboxStage.Received or InboxStage.Calling, StopRequested: false }
            && head.Message.Text is { } text && ChatCommand.Parse(text) is null;
        var permitted = !head.Message.IsGroup || (request.Message.SenderId is { } sender && sender == head.Message.SenderId);
        return stoppable && permitted ? head : null;
    }

    /// <summary>An unaddressed <c>/cancel</c>, or a stop button's press (which carries that text).</summary>
    public static bool IsRequest(InboundMessage message) =>
        message.Text is { } text && ChatCommand.Parse(text) is { Kind: ChatCommandKind.Cancel, Addressee: null };

    /// <summary>How the user asked, for the metrics: <c>button</c> or <c>command</c>.</summary>
    public static string How(InboundMessage message) => message.CallbackQueryId is not null || message.StoppedDraftId is not null ? "button" : "command";
}
