using OrleansRouter.Chats;
using OrleansRouter.Grains;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Keeps of a Telegram update only what the chat needs. A message with text, a caption or a file (<see cref="MessageFiles"/>)
/// is routed; one the router cannot read (a story, a game, an invoice, paid media, a sticker…) goes on without text, so its chat answers that
/// it is not supported; service messages are not routed (<see cref="MessageKinds"/>). A press of the Stop button
/// under a placeholder, or of a draft's stop button, becomes the chat's <c>/cancel</c>. Any other update is not routed.
/// </summary>
public static class UpdateTranslator
{
    /// <summary>The updates the router asks Telegram for, polling or by webhook.</summary>
    public static readonly UpdateType[] Wanted = [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.StoppedMessageGeneration];

    public static InboundMessage? Translate(Update update, DateTimeOffset receivedAt)
    {
        if (StopRequest(update, receivedAt) is { } stop)
        {
            return stop;
        }

        if (update.Message is not { Chat: { } chat } message)
        {
            return null;
        }

        var text = message.Text ?? message.Caption;
        var files = MessageFiles.Of(message);
        if (text is null && files is null && message.MigrateToChatId is null
            && MessageKinds.Of(message.Type, chat.Type == ChatType.Private) == MessageHandling.Silent)
        {
            return null;
        }

        return new InboundMessage(
            update.Id,
            chat.Id,
            message.MessageId,
            text,
            receivedAt,
            IsGroup: chat.Type is ChatType.Group or ChatType.Supergroup,
            MigrateToChatId: message.MigrateToChatId,
            SenderId: message.From?.Id,
            SenderChatId: message.SenderChat?.Id,
            Files: files,
            MediaGroupId: files is null ? null : message.MediaGroupId);
    }

    private static InboundMessage? StopRequest(Update update, DateTimeOffset receivedAt) => update switch
    {
        { CallbackQuery: { Data: ReplyButton.StopData, Message: { Chat: { } chat } placeholder } query } => new InboundMessage(
            update.Id, chat.Id, placeholder.MessageId, InboundMessage.CancelCommand, receivedAt,
            IsGroup: chat.Type is ChatType.Group or ChatType.Supergroup, SenderId: query.From.Id, CallbackQueryId: query.Id),
        { StoppedMessageGeneration: { Chat: { } chat } stopped } => new InboundMessage(
            update.Id, chat.Id, 0, InboundMessage.CancelCommand, receivedAt, IsGroup: false, SenderId: chat.Id, StoppedDraftId: stopped.DraftId),
        _ => null,
    };
}
