using Microsoft.Extensions.Logging;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Queues;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Sends the parts of a stored reply that have not gone yet, in order, recording each before the next goes, and says
/// how it ended; the grain records that. The first part of an answer that showed in a group's placeholder replaces it
/// (an edit is safe to repeat after a crash, and takes the Stop button away); a placeholder that is gone (deleted,
/// too old) leaves the part to go as a message of its own. Every other part is a message, the first in a group
/// threaded to the message it answers.
/// </summary>
internal sealed class ReplyDelivery(long chatId, string chatHash, IChatSender sender, QueueOptions options, ILogger logger)
{
    /// <param name="recordProgress">Stores how far the reply has got; called between two parts.</param>
    public async Task<Delivery> SendAsync(InboxItem item, Func<Task> recordProgress, CancellationToken cancellationToken)
    {
        while (item.PartsDelivered < item.ReplyParts.Count)
        {
            var part = item.ReplyParts[item.PartsDelivered];

            // Telegram trims messages; a part of nothing but whitespace would be refused as empty.
            if (!string.IsNullOrWhiteSpace(part) && await SendPartAsync(item, part, cancellationToken) is SendFailed failed)
            {
                return Failed(item, failed);
            }

            item.PartsDelivered++;
            item.SendAttempts = 0;
            if (item.PartsDelivered < item.ReplyParts.Count)
            {
                await recordProgress();
            }
        }

        return Delivery.Done;
    }

    private async Task<SendOutcome> SendPartAsync(InboxItem item, string part, CancellationToken cancellationToken)
    {
        if (item.PartsDelivered == 0 && item.PlaceholderId is { } placeholder)
        {
            var edited = await sender.EditTextAsync(chatId, placeholder, part, null, preview: false, cancellationToken);
            if (edited is not SendFailed { Class: FailureClass.Fatal, MigratedTo: null })
            {
                return edited;
            }

            item.PlaceholderId = null;
        }

        var replyTo = item.PartsDelivered == 0 && item.Message.IsGroup ? item.Message.MessageId : (int?)null;
        return await sender.SendTextAsync(chatId, part, replyTo, null, cancellationToken);
    }

    private Delivery Failed(InboxItem item, SendFailed failed)
    {
        if (failed.MigratedTo is { } supergroup)
        {
            return new Delivery.MovedTo(supergroup);
        }

        // A 429 is Telegram pacing us, not a failure of the message: it waits exactly as long as asked and does not count.
        if (failed.RetryAfter is null)
        {
            item.SendAttempts++;
        }

        ChatLog.SendFailed(logger, chatHash, failed.Class.Label(), failed.Code, item.SendAttempts, failed.Detail);
        return failed.Class == FailureClass.Transient && item.SendAttempts < options.RetryMaxAttempts
            ? new Delivery.Retry(failed.RetryAfter ?? RetryPolicy.Delay(options, item.SendAttempts), failed.Code)
            : new Delivery.GiveUp($"telegram {failed.Code}: {failed.Detail}");
    }
}

/// <summary>How sending a reply ended.</summary>
internal abstract record Delivery
{
    public static Delivery Done { get; } = new Sent();

    private Delivery()
    {
    }

    /// <summary>Every part went.</summary>
    public sealed record Sent : Delivery;

    /// <summary>A part did not go, for now: it is tried again after <paramref name="Delay"/>.</summary>
    public sealed record Retry(TimeSpan Delay, string Cause) : Delivery;

    /// <summary>A part cannot go (a fatal refusal, or no attempts left): the message is given up.</summary>
    public sealed record GiveUp(string Reason) : Delivery;

    /// <summary>The group became a supergroup: the chat and its reply move there.</summary>
    public sealed record MovedTo(long Supergroup) : Delivery;
}
