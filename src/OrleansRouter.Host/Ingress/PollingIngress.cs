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
/// ChatGrain stored it, and only while the lease is still this silo's. Telegram errors back off; nothing here
/// ends the process. A standby silo (<c>ROUTER_ACTIVE=false</c>) never polls.
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

    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message];

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
        int? offset = null;
        while (!held.Lost.IsCancellationRequested)
        {
            var updates = await GetUpdatesAsync(offset, backoff, held.Lost);
            if (updates is null or { Length: 0 })
            {
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
            if (failed is not null)
            {
                await Task.Delay(backoff.Next(), clock, held.Lost).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
