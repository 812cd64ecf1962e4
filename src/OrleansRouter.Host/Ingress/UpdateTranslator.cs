using OrleansRouter.Grains;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Keeps of a Telegram update only what the chat needs. A message with text or a caption is routed; one the router
/// cannot read (a story, a game, an invoice, paid media, a sticker…) goes on without text, so its chat answers that
/// it is not supported; service messages are not routed (<see cref="MessageKinds"/>), nor are updates without a message.
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
        if (text is null && message.MigrateToChatId is null && MessageKinds.Of(message.Type, chat.Type == ChatType.Private) == MessageHandling.Silent)
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
}
