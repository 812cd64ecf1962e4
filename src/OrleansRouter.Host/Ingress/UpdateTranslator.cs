using OrleansRouter.Grains;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>Keeps of a Telegram update only what the chat needs; null when there is no chat message in it.</summary>
public static class UpdateTranslator
{
    public static InboundMessage? Translate(Update update, DateTimeOffset receivedAt) =>
        update.Message is { Chat: { } chat } message
            ? new InboundMessage(
                update.Id,
                chat.Id,
                message.MessageId,
                message.Text ?? message.Caption,
                receivedAt,
                IsGroup: chat.Type is ChatType.Group or ChatType.Supergroup)
            : null;
}
