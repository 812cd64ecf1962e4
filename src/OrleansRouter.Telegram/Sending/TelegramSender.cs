using OrleansRouter.Chats;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Telegram.Sending;

/// <summary>Sends one message or chat action and reports how it went; it never retries and never sleeps.</summary>
public sealed class TelegramSender(ITelegramBotClient bot) : IChatSender
{
    public Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, CancellationToken cancellationToken) =>
        SendAsync(async () =>
        {
            var reply = replyTo is { } id ? new ReplyParameters { MessageId = id, AllowSendingWithoutReply = true } : null;
            var message = await bot.SendMessage(chatId, text, replyParameters: reply, cancellationToken: cancellationToken);
            return message.MessageId;
        }, cancellationToken);

    public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken) =>
        SendAsync(async () =>
        {
            await bot.SendChatAction(chatId, ChatAction.Typing, cancellationToken: cancellationToken);
            return 0;
        }, cancellationToken);

    private static async Task<SendOutcome> SendAsync(Func<Task<int>> send, CancellationToken cancellationToken)
    {
        try
        {
            return SendOutcome.Delivered(await send());
        }
        catch (ApiRequestException e)
        {
            return TelegramFailures.From(e);
        }
        catch (RequestException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.OK)
        {
            // Telegram said OK in a shape the client could not read: the message went out; sending it again would double it.
            return SendOutcome.Delivered(0);
        }
        catch (Exception e) when (e is RequestException or HttpRequestException)
        {
            return TelegramFailures.Network(e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TelegramFailures.Timeout();
        }
    }
}
