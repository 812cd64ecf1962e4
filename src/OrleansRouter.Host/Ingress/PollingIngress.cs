using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Telemetry;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Long polling, written on <c>getUpdates</c> itself, by the one silo that holds the poller lease. The offset sent
/// with the next poll (which confirms every update below it to Telegram) only moves past an update after its
/// ChatGrain stored it (or the update was quarantined), and only while the lease is still this silo's. Telegram
/// errors back off, and so do empty answers that came back long before the poll's timeout; nothing here ends the
/// process. A standby silo (<c>ROUTER_ACTIVE=false</c>) never polls.
/// </summary>
public sealed class PollingIngress(
    ITelegramBotClient bot,
    UpdateAcceptor acceptor,
    PollerLeaseKeeper lease,
    TelegramSettings settings,
    RouterHealth health,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<PollingIngress> logger) : BackgroundService
{
    /// <summary>How long one getUpdates waits for an update to arrive.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(25);

    private static readonly UpdateType[] AllowedUpdates = UpdateTranslator.Wanted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Active)
        {
            HostLog.Standby(logger);
            return;
        }

        // Draining starts before hosted services are stopped: from then on no update is taken.
        using var draining = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var backoff = new Backoff();
        while (!draining.IsCancellationRequested)
        {
            try
            {
                await PollWhileLeasedAsync(draining.Token);
            }
            catch (Exception e) when (!draining.IsCancellationRequested)
            {
                // Nothing ends the ingress: whatever went wrong, take the lease again and go on.
                var wait = backoff.Next();
                HostLog.PollFailed(logger, e.GetType().Name, "the poller stopped unexpectedly", wait);
                await Task.Delay(wait, clock, draining.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task PollWhileLeasedAsync(CancellationToken draining)
    {
        await using var held = await lease.AcquireAsync(draining);
        if (held is null)
        {
            return;
        }

        await ClearWebhookAsync(held.Lost);
        HostLog.IngressStarted(logger);
        await PollAsync(held);
    }

    private async Task PollAsync(PollerLeaseKeeper.HeldLease held)
    {
        var backoff = new Backoff();
        var unstored = new Backoff();
        var early = new EarlyEmptyPause(PollTimeout);
        int? offset = null;
        while (!held.Lost.IsCancellationRequested)
        {
            var asked = clock.GetTimestamp();
            var updates = await GetUpdatesAsync(offset, backoff, held.Lost);
            if (updates is null)
            {
                continue;
            }

            var pause = early.After(updates.Length, clock.GetElapsedTime(asked));
            if (updates.Length == 0)
            {
                if (pause > TimeSpan.Zero)
                {
                    IngressLog.EarlyEmptyPoll(logger, clock.GetElapsedTime(asked).TotalMilliseconds, PollTimeout.TotalSeconds, pause);
                    await Task.Delay(pause, clock, held.Lost).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                continue;
            }

            var failed = await acceptor.AcceptAsync(updates);
            var next = failed is { } first ? (int)first : updates.Max(u => u.Id) + 1;

            // Fencing: a silo that lost the lease confirms nothing more; its updates come again to the new holder.
            if (!held.IsCurrent)
            {
                return;
            }

            offset = next;

            // Its own backoff: every poll that answers resets the other. The growing waits space an update's
            // attempts out, so a quarantine comes only after the failure lasted (1 + 2 + 4 + 8 s at five attempts).
            if (failed is null)
            {
                unstored.Reset();
            }
            else
            {
                await Task.Delay(unstored.Next(), clock, held.Lost).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>A webhook left set by an earlier deployment would make every getUpdates fail with 409.</summary>
    private async Task ClearWebhookAsync(CancellationToken stoppingToken)
    {
        try
        {
            await bot.DeleteWebhook(dropPendingUpdates: false, cancellationToken: stoppingToken);
        }
        catch (Exception e) when (e is ApiRequestException or RequestException or HttpRequestException)
        {
            HostLog.WebhookNotCleared(logger, e.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<Update[]?> GetUpdatesAsync(int? offset, Backoff backoff, CancellationToken stoppingToken)
    {
        try
        {
            var updates = await bot.GetUpdates(offset, limit: 100, timeout: (int)PollTimeout.TotalSeconds, AllowedUpdates, stoppingToken);
            backoff.Reset();
            health.ReportPoll(null);
            return updates;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is ApiRequestException or RequestException or HttpRequestException or OperationCanceledException)
        {
            var code = e is ApiRequestException api ? $"http_{api.ErrorCode}" : "network";
            var wait = backoff.Next();
            HostLog.PollFailed(logger, code, e.Message, wait);
            health.ReportPoll($"{code}: {e.Message}");
            await Task.Delay(wait, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }
    }
}
