using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansRouter.Grains;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Privacy;
using OrleansRouter.Telemetry;
using Telegram.Bot.Types;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Hands updates to their ChatGrains, for both ingresses. The chats of a batch are accepted at once, the updates
/// of one chat in order; an update counts as taken only when its grain returned, that is, stored it, or when it was
/// quarantined after failing again and again (<see cref="UpdateQuarantine"/>). A stranger's update (a chat outside
/// <c>ALLOWED_CHAT_IDS</c>) is taken without reaching a grain (<see cref="StrangerGate"/>).
/// </summary>
public sealed class UpdateAcceptor(
    IGrainFactory grains,
    ChatIdHasher hasher,
    RouterHealth health,
    TimeProvider clock,
    StrangerGate strangers,
    UpdateQuarantine quarantine,
    ILogger<UpdateAcceptor> logger)
{
    private const int RejectionAttempts = 5;
    private static readonly TimeSpan RejectionPause = TimeSpan.FromMilliseconds(50);

    /// <returns>The first update that could not be stored, or null when every one was taken.</returns>
    public async Task<long?> AcceptAsync(IReadOnlyList<Update> updates)
    {
        var receivedAt = clock.GetUtcNow();
        var routed = new List<Routed>();
        foreach (var update in updates.OrderBy(u => u.Id))
        {
            if (UpdateTranslator.Translate(update, receivedAt) is not { } message)
            {
                HostLog.UpdateSkipped(logger, update.Id);
            }
            else if (strangers.IsStranger(message.ChatId))
            {
                strangers.Turn(message);
            }
            else
            {
                routed.Add(new Routed(update, message));
            }
        }

        var failures = await Task.WhenAll(routed.GroupBy(r => r.Message.ChatId).Select(chat => AcceptChatAsync(chat.ToList())));
        var failed = failures.OfType<long>().ToList();
        health.ReportStorage(failed.Count == 0 ? null : "a chat could not store an update");
        return failed.Count == 0 ? null : failed.Min();
    }

    /// <returns>The first update of the chat that could not be stored, or null.</returns>
    private async Task<long?> AcceptChatAsync(List<Routed> updates)
    {
        var chatId = updates[0].Message.ChatId;
        var chat = grains.GetGrain<IChatGrain>(chatId);
        var hash = hasher.Hash(chatId);
        foreach (var (update, message) in updates)
        {
            // One trace per update, from here: the grain call is its child, and the stored trace context carries it on.
            using var activity = RouterTracing.Source.StartActivity("telegram.update", ActivityKind.Consumer);
            activity?.SetTag("telegram.update_id", message.UpdateId);
            activity?.SetTag("chat_id_hash", hash);
            var traced = activity is null ? message : message with { TraceParent = activity.Id };
            try
            {
                await StoreAsync(chat, traced, hash);
            }
            catch (Exception e)
            {
                HostLog.AcceptFailed(logger, e.GetType().Name, hash, message.UpdateId);
                if (!await quarantine.TryQuarantineAsync(update, chatId, e, () => StoreAsync(chat, traced, hash)))
                {
                    // Later updates of this chat must not overtake this one: they stay unconfirmed with it.
                    return message.UpdateId;
                }
            }
        }

        return null;
    }

    private async Task StoreAsync(IChatGrain chat, InboundMessage message, string hash)
    {
        var result = await AcceptRetryingRejectionsAsync(chat, message);
        quarantine.Stored(message.UpdateId, wrote: result != AcceptResult.Duplicate);
        HostLog.UpdateAccepted(logger, message.UpdateId, hash, result.ToString());
    }

    /// <summary>
    /// A silo that is leaving the cluster rejects calls to the chats it held until the cluster has moved them, a
    /// moment later. Such a rejection is asked again here, a few times within about half a second: left to the
    /// poll's backoff, it would hold every chat of the batch back for a second or more, at every rolling restart.
    /// The accept is idempotent (a stored update comes back as a duplicate), so asking again is safe.
    /// </summary>
    private async Task<AcceptResult> AcceptRetryingRejectionsAsync(IChatGrain chat, InboundMessage message)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await chat.AcceptAsync(message);
            }
            catch (OrleansMessageRejectionException) when (attempt < RejectionAttempts)
            {
                await Task.Delay(RejectionPause * attempt, clock);
            }
        }
    }

    private sealed record Routed(Update Update, InboundMessage Message);
}
