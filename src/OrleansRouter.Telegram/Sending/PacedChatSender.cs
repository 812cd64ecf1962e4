using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// The sender the grains use. Every message and edit counts against the <see cref="SendPacer"/>'s budget like a send:
/// a message waits for its turn; a preview (a draft, or an edit marked so) takes one only when it is free at once,
/// and one of the chat's turns is always left for the message that ends the reply. A draft is paced in a window of
/// its own per chat, about one a second, and not against the bot's messages per second: Telegram documents those
/// limits for messages, and none for drafts, which it made for streaming. Sends count in
/// <c>telegram_send_total{result}</c>, previews in <c>telegram_preview_total{kind,result}</c>.
/// </summary>
public sealed class PacedChatSender(TelegramSender sender, SendPacer pacer, RouterMetrics metrics) : IChatSender
{
    public async Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, ReplyButton? button, CancellationToken cancellationToken)
    {
        await pacer.WaitTurnAsync(chatId, cancellationToken);
        var outcome = Paced(chatId, await sender.SendTextAsync(chatId, text, replyTo, button, cancellationToken));
        metrics.TelegramSent(Result(outcome));
        return outcome;
    }

    public async Task<SendOutcome> EditTextAsync(long chatId, int messageId, string text, ReplyButton? button, bool preview, CancellationToken cancellationToken)
    {
        if (!preview)
        {
            await pacer.WaitTurnAsync(chatId, cancellationToken);
            var outcome = Paced(chatId, await sender.EditTextAsync(chatId, messageId, text, button, preview, cancellationToken));
            metrics.TelegramSent(Result(outcome));
            return outcome;
        }

        return await PreviewAsync("edit", pacer.TryTakeEditTurn(chatId), null, chatId, () => sender.EditTextAsync(chatId, messageId, text, button, preview, cancellationToken));
    }

    public Task<SendOutcome> SendDraftAsync(long chatId, long draftId, string text, CancellationToken cancellationToken)
    {
        var hasTurn = pacer.TryTakeDraftTurn(chatId, out var freeAt);
        return PreviewAsync("draft", hasTurn, freeAt, chatId, () => sender.SendDraftAsync(chatId, draftId, text, cancellationToken));
    }

    /// <summary>Answering a button shows nothing in the chat: it is not paced.</summary>
    public Task<SendOutcome> AnswerButtonAsync(string callbackQueryId, string? text, CancellationToken cancellationToken) =>
        sender.AnswerButtonAsync(callbackQueryId, text, cancellationToken);

    /// <summary>"typing…" is not a message: it is not paced, and Telegram does not count it against the limits.</summary>
    public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken) =>
        sender.SendTypingAsync(chatId, cancellationToken);

    private async Task<SendOutcome> PreviewAsync(string kind, bool hasTurn, DateTimeOffset? freeAt, long chatId, Func<Task<SendOutcome>> send)
    {
        if (!hasTurn)
        {
            metrics.Previewed(kind, "deferred");
            return new SendDeferred(freeAt);
        }

        var outcome = Paced(chatId, await send());
        metrics.Previewed(kind, outcome is SendDelivered ? "sent" : "failed");
        return outcome;
    }

    /// <summary>Tells the pacer how a send went: a 429 pauses the chat, a delivery lets the pace recover.</summary>
    private SendOutcome Paced(long chatId, SendOutcome outcome)
    {
        if (outcome is SendFailed { RetryAfter: { } retryAfter })
        {
            pacer.RateLimited(chatId, retryAfter);
        }
        else if (outcome is SendDelivered)
        {
            pacer.Delivered();
        }

        return outcome;
    }

    private static string Result(SendOutcome outcome) => outcome switch
    {
        SendDelivered => "ok",
        SendFailed { RetryAfter: not null } => "rate_limited",
        SendFailed failed => failed.Class.Label(),
        _ => "unknown",
    };
}
