using OrleansRouter.Chats;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace OrleansRouter.Telegram.Sending;

/// <summary>Sends one message, edit, draft or chat action and reports how it went; it never retries and never sleeps.</summary>
public sealed class TelegramSender(ITelegramBotClient bot) : IChatSender
{
    public Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, ReplyButton? button, CancellationToken cancellationToken) =>
        SendAsync(async () =>
        {
            var reply = replyTo is { } id ? new ReplyParameters { MessageId = id, AllowSendingWithoutReply = true } : null;
            var message = await bot.SendMessage(chatId, text, replyParameters: reply, replyMarkup: Markup(button), cancellationToken: cancellationToken);
            return message.MessageId;
        }, cancellationToken);

    public async Task<SendOutcome> EditTextAsync(long chatId, int messageId, string text, ReplyButton? button, bool preview, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(async () =>
        {
            await bot.EditMessageText(chatId, messageId, text, replyMarkup: Markup(button), cancellationToken: cancellationToken);
            return messageId;
        }, cancellationToken);

        // The message shows this already: what the edit was for is done.
        return outcome is SendFailed { Code: "http_400" } failed && TelegramFailures.NotModified(failed) ? SendOutcome.Delivered(messageId) : outcome;
    }

    public Task<SendOutcome> SendDraftAsync(long chatId, long draftId, string text, CancellationToken cancellationToken) =>
        SendAsync(async () =>
        {
            await bot.SendMessageDraft(chatId, draftId, text, canStop: true, cancellationToken: cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<SendOutcome> AnswerButtonAsync(string callbackQueryId, string? text, CancellationToken cancellationToken) =>
        SendAsync(async () =>
        {
            await bot.AnswerCallbackQuery(callbackQueryId, text, cancellationToken: cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken) =>
        SendAsync(async () =>
        {
            await bot.SendChatAction(chatId, ChatAction.Typing, cancellationToken: cancellationToken);
            return 0;
        }, cancellationToken);

    private static InlineKeyboardMarkup? Markup(ReplyButton? button) => button switch
    {
        null => null,
        { Url: { } url } => new InlineKeyboardMarkup(InlineKeyboardButton.WithUrl(button.Text, url.AbsoluteUri)),
        _ => new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData(button.Text, button.CallbackData ?? button.Text)),
    };

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
