using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansRouter.Grains;
using OrleansRouter.Host.Health;
using OrleansRouter.Privacy;
using OrleansRouter.Telemetry;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Decides when an update its ChatGrain keeps failing to store is set aside, so that one bad update cannot hold the
/// polling offset (or the webhook's queue at Telegram) for every chat forever. An update is quarantined only when
/// the fault is the update's and not the storage's:
/// <list type="number">
/// <item>it failed <c>INGRESS_QUARANTINE_AFTER_ATTEMPTS</c> times (the ingress backs off in between), not counting
/// failures that say only that a silo is gone or busy;</item>
/// <item>the storage probe answers (a Redis that does not answer PING is an outage: wait, keep the offset), and the
/// chat then fails to store the update once more (the probe may answer only because an outage ended a moment after
/// the failure);</item>
/// <item>and storage takes a write: the update is stored aside in the <see cref="IQuarantineGrain"/>. If even that
/// fails, it is let go only when other updates were stored since it first failed (storage works for everyone else);
/// it is then lost but for the <c>ingress.quarantine_failed</c> line. Otherwise it stays unconfirmed.</item>
/// </list>
/// During an outage of storage for everyone nothing is quarantined: the offset waits, as before, and nothing
/// accepted is lost. The attempts are counted in memory per silo: a webhook update that lands on several silos may be
/// tried that many times on each.
/// </summary>
public sealed class UpdateQuarantine(
    IGrainFactory grains,
    IStorageProbe probe,
    IngressOptions options,
    ChatIdHasher hasher,
    RouterMetrics metrics,
    TimeProvider clock,
    ILogger<UpdateQuarantine> logger)
{
    /// <summary>Updates failing at once that are remembered; a flood beyond it forgets the oldest (which then count from one again).</summary>
    internal const int TrackedFailures = 1_000;

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Failures> _failing = [];
    private long _stored;

    /// <summary>
    /// An update was taken by its chat: the end of its failures, if any, and, when <paramref name="wrote"/> (not a
    /// duplicate, which is answered from memory), evidence that storage takes writes.
    /// </summary>
    public void Stored(long updateId, bool wrote)
    {
        if (wrote)
        {
            Interlocked.Increment(ref _stored);
        }

        lock (_gate)
        {
            _failing.Remove(updateId);
        }
    }

    /// <param name="storeAgain">Hands the update to its chat once more; throws when the chat cannot store it.</param>
    /// <returns>
    /// True when the update was stored after all, or set aside (or let go), and may be confirmed; false when it stays
    /// unconfirmed.
    /// </returns>
    public async Task<bool> TryQuarantineAsync(Update update, long chatId, Exception failure, Func<Task> storeAgain)
    {
        if (IsClusterFault(failure))
        {
            return false;
        }

        var failures = Count(update.Id);
        if (failures.Attempts < options.QuarantineAfterAttempts)
        {
            return false;
        }

        var hash = hasher.Hash(chatId);
        var error = Describe(failure);
        using var probing = new CancellationTokenSource(ProbeTimeout);
        var (healthy, detail) = await ProbeAsync(probing.Token);
        if (!healthy)
        {
            IngressLog.QuarantineDeferred(logger, update.Id, hash, failures.Attempts, detail);
            return false;
        }

        // The failure came before the probe: if storage has only just come back, the update's chat takes it now.
        try
        {
            await storeAgain();
            return true;
        }
        catch (Exception again)
        {
            if (IsClusterFault(again))
            {
                return false;
            }

            error = Describe(again);
        }

        var raw = JsonSerializer.Serialize(update, JsonBotAPI.Options);
        var entry = QuarantineLimits.Bounded(new QuarantinedUpdate(update.Id, chatId, hash, clock.GetUtcNow(), failures.Attempts, error, raw, raw.Length));
        try
        {
            await grains.GetGrain<IQuarantineGrain>(IQuarantineGrain.TelegramUpdates).AddAsync(entry);
            IngressLog.Quarantined(logger, update.Id, hash, failures.Attempts, error);
            metrics.Quarantined(storedAside: true);
        }
        catch (Exception e)
        {
            if (Volatile.Read(ref _stored) <= failures.StoredBefore)
            {
                IngressLog.QuarantineDeferred(logger, update.Id, hash, failures.Attempts, $"the quarantine could not store it either ({e.GetType().Name})");
                return false;
            }

            IngressLog.QuarantineFailed(logger, update.Id, hash, failures.Attempts, error, e.GetType().Name);
            metrics.Quarantined(storedAside: false);
        }

        lock (_gate)
        {
            _failing.Remove(update.Id);
        }

        return true;
    }

    /// <summary>
    /// The types of the exception and those inside it (<c>OrleansException/InvalidDataException</c>): never their
    /// messages, which name the grain, whose key is the chat id.
    /// </summary>
    private static string Describe(Exception failure)
    {
        var types = new List<string>();
        for (var e = failure; e is not null && types.Count < 4; e = e.InnerException)
        {
            types.Add(e.GetType().Name);
        }

        return string.Join('/', types);
    }

    /// <summary>Failures that say a silo is gone, stopping or busy: about the cluster, not about the update.</summary>
    private static bool IsClusterFault(Exception failure) =>
        failure is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or ClientNotAvailableException;

    private Failures Count(long updateId)
    {
        lock (_gate)
        {
            if (!_failing.TryGetValue(updateId, out var failures))
            {
                if (_failing.Count >= TrackedFailures)
                {
                    _failing.Remove(_failing.MinBy(f => f.Value.Since).Key);
                }

                failures = new Failures(0, Volatile.Read(ref _stored), clock.GetUtcNow());
            }

            failures = failures with { Attempts = failures.Attempts + 1 };
            _failing[updateId] = failures;
            return failures;
        }
    }

    private async Task<(bool Healthy, string Detail)> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await probe.ProbeAsync(cancellationToken);
        }
        catch (Exception e)
        {
            return (false, e.GetType().Name);
        }
    }

    /// <param name="StoredBefore">How many updates had been stored when this one first failed.</param>
    /// <param name="Since">When it first failed.</param>
    private sealed record Failures(int Attempts, long StoredBefore, DateTimeOffset Since);
}
