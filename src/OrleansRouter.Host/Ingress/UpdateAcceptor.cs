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
/// of one chat in order; an update counts as taken only when its grain returned, that is, stored it.
/// </summary>
public sealed class UpdateAcceptor(IGrainFactory grains, ChatIdHasher hasher, RouterHealth health, TimeProvider clock, ILogger<UpdateAcceptor> logger)
{
    /// <returns>The first update that could not be stored, or null when every one was.</returns>
    public async Task<long?> AcceptAsync(IReadOnlyList<Update> updates)
    {
        var receivedAt = clock.GetUtcNow();
        var routed = new List<InboundMessage>();
        foreach (var update in updates.OrderBy(u => u.Id))
        {
            if (UpdateTranslator.Translate(update, receivedAt) is { } message)
            {
                routed.Add(message);
            }
            else
            {
                HostLog.UpdateSkipped(logger, update.Id);
            }
        }

        var failures = await Task.WhenAll(routed.GroupBy(m => m.ChatId).Select(chat => AcceptChatAsync(chat.ToList())));
        var failed = failures.OfType<long>().ToList();
        health.ReportStorage(failed.Count == 0 ? null : "a chat could not store an update");
        return failed.Count == 0 ? null : failed.Min();
    }

    /// <returns>The first update of the chat that could not be stored, or null.</returns>
    private async Task<long?> AcceptChatAsync(List<InboundMessage> messages)
    {
        var chat = grains.GetGrain<IChatGrain>(messages[0].ChatId);
        var hash = hasher.Hash(messages[0].ChatId);
        foreach (var message in messages)
        {
            // One trace per update, from here: the grain call is its child, and the stored trace context carries it on.
            using var activity = RouterTracing.Source.StartActivity("telegram.update", ActivityKind.Consumer);
            activity?.SetTag("telegram.update_id", message.UpdateId);
            activity?.SetTag("chat_id_hash", hash);
            try
            {
                var result = await chat.AcceptAsync(activity is null ? message : message with { TraceParent = activity.Id });
                HostLog.UpdateAccepted(logger, message.UpdateId, hash, result.ToString());
            }
            catch (Exception e)
            {
                // Later updates of this chat must not overtake this one: they stay unconfirmed with it.
                HostLog.AcceptFailed(logger, e.GetType().Name, hash, message.UpdateId);
                return message.UpdateId;
            }
        }

        return null;
    }
}
