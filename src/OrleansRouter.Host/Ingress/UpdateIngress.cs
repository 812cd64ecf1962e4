using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Grains;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Privacy;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Long polling, written on <c>getUpdates</c> itself. The offset sent with the next poll (which confirms every update
/// below it to Telegram) only moves past an update after its ChatGrain stored it. Chats of one batch are accepted
/// concurrently, the updates of one chat in order. Telegram errors back off; nothing here ends the process.
/// </summary>
public sealed class UpdateIngress(
    ITelegramBotClient bot,
    IGrainFactory grains,
    RouterHealth health,
    ChatIdHasher hasher,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<UpdateIngress> logger) : BackgroundService
{
    /// <summary>How long one getUpdates waits for an update to arrive.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(25);

    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Draining starts before hosted services are stopped: from then on no update is taken.
        using var draining = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        await PollUntilAsync(draining.Token);
    }

    private async Task PollUntilAsync(CancellationToken stoppingToken)
    {
        await ClearWebhookAsync(stoppingToken);
        HostLog.IngressStarted(logger);
        var backoff = new Backoff();
        int? offset = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var updates = await PollAsync(offset, backoff, stoppingToken);
            if (updates is null or { Length: 0 })
            {
                continue;
            }

            var (next, allAccepted) = await AcceptAsync(updates);
            offset = next;
            if (!allAccepted)
            {
                await Task.Delay(backoff.Next(), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    private async Task<Update[]?> PollAsync(int? offset, Backoff backoff, CancellationToken stoppingToken)
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

    /// <returns>The offset that confirms exactly the updates stored, and whether that was all of them.</returns>
    private async Task<(int Offset, bool AllAccepted)> AcceptAsync(Update[] updates)
    {
        var receivedAt = clock.GetUtcNow();
        var routed = updates
            .OrderBy(u => u.Id)
            .Select(u => (Update: u, Message: UpdateTranslator.Translate(u, receivedAt)))
            .ToList();
        foreach (var skipped in routed.Where(r => r.Message is null))
        {
            HostLog.UpdateSkipped(logger, skipped.Update.Id);
        }

        var failures = await Task.WhenAll(routed
            .Where(r => r.Message is not null)
            .GroupBy(r => r.Message!.ChatId)
            .Select(chat => AcceptChatAsync(chat.Select(r => r.Message!).ToList())));
        var firstFailed = failures.OfType<long>().DefaultIfEmpty(long.MaxValue).Min();
        return firstFailed == long.MaxValue
            ? (routed[^1].Update.Id + 1, true)
            : ((int)firstFailed, false);
    }

    /// <returns>The first update of the chat that could not be stored, or null when all were.</returns>
    private async Task<long?> AcceptChatAsync(IReadOnlyList<InboundMessage> messages)
    {
        var chat = grains.GetGrain<IChatGrain>(messages[0].ChatId);
        var hash = hasher.Hash(messages[0].ChatId);
        foreach (var message in messages)
        {
            try
            {
                var result = await chat.AcceptAsync(message);
                HostLog.UpdateAccepted(logger, message.UpdateId, hash, result.ToString());
            }
            catch (Exception e)
            {
                // Later updates of this chat must not overtake this one: they stay unconfirmed with it.
                HostLog.AcceptFailed(logger, e, hash, message.UpdateId);
                return message.UpdateId;
            }
        }

        return null;
    }
}
