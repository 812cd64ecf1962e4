using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// The sender the grains use: every message waits for its turn with the <see cref="SendPacer"/> first, and counts in
/// <c>telegram_send_total{result}</c> after.
/// </summary>
public sealed class PacedChatSender(TelegramSender sender, SendPacer pacer, RouterMetrics metrics) : IChatSender
{
    public async Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, CancellationToken cancellationToken)
    {
        await pacer.WaitTurnAsync(chatId, cancellationToken);
        var outcome = await sender.SendTextAsync(chatId, text, replyTo, cancellationToken);
        if (outcome is SendFailed { RetryAfter: { } retryAfter })
        {
            pacer.RateLimited(chatId, retryAfter);
        }
        else if (outcome is SendDelivered)
        {
            pacer.Delivered();
        }

        metrics.TelegramSent(outcome switch
        {
            SendDelivered => "ok",
            SendFailed { RetryAfter: not null } => "rate_limited",
            SendFailed failed => failed.Class.Label(),
            _ => "unknown",
        });

        return outcome;
    }

    /// <summary>"typing…" is not a message: it is not paced, and Telegram does not count it against the limits.</summary>
    public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken) =>
        sender.SendTypingAsync(chatId, cancellationToken);
}
