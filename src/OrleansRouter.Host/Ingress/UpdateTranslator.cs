using OrleansRouter.Grains;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Keeps of a Telegram update only what the chat needs. Null for what is not routed: updates without a message,
/// and service messages (members joining, titles, pins…), which nobody expects an answer to.
/// </summary>
public static class UpdateTranslator
{
    public static InboundMessage? Translate(Update update, DateTimeOffset receivedAt)
    {
        if (update.Message is not { Chat: { } chat } message)
        {
            return null;
        }

        var text = message.Text ?? message.Caption;
        if (text is null && message.MigrateToChatId is null && !IsUserContent(message))
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
            SenderChatId: message.SenderChat?.Id);
    }

    /// <summary>Something a user sent that the router cannot read: it gets a notice rather than silence.</summary>
    private static bool IsUserContent(Message message) =>
        message.Photo is not null || message.Sticker is not null || message.Voice is not null || message.Audio is not null
        || message.Video is not null || message.VideoNote is not null || message.Document is not null || message.Animation is not null
        || message.Contact is not null || message.Location is not null || message.Venue is not null || message.Poll is not null
        || message.Dice is not null;
}
