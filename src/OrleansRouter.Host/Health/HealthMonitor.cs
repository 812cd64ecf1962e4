using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Agents;
using OrleansRouter.Grains;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Personas;
using Telegram.Bot;

namespace OrleansRouter.Host.Health;

/// <summary>
/// Probes the outside parts: <c>getMe</c> for Telegram, the card of every persona's agent for A2A, a PING for
/// Redis; and reads the personas' rate windows. Every second while anything is not ready (so two failures in a
/// row degrade health within seconds), else every <c>HEALTH_PROBE_SECONDS</c>.
/// </summary>
public sealed class HealthMonitor(
    ITelegramBotClient bot,
    IAgentClient agents,
    IStorageProbe storage,
    PersonaMap personas,
    IGrainFactory grains,
    RouterHealth health,
    HealthSettings settings,
    TimeProvider clock,
    ILogger<HealthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan StartupInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wasReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.WhenAll(
                Guarded(ProbeTelegramAsync, stoppingToken),
                Guarded(ProbeAgentsAsync, stoppingToken),
                Guarded(ProbeStorageAsync, stoppingToken),
                Guarded(ReadRateWindowsAsync, stoppingToken));
            var ready = health.IsReady;
            if (ready && !wasReady)
            {
                HostLog.Ready(logger);
            }

            wasReady = ready;
            var wait = ready ? settings.ProbeInterval : StartupInterval;
            await Task.Delay(wait, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A probe that throws is a failed probe, never the end of the monitor (or of the process).</summary>
    private async Task Guarded(Func<CancellationToken, Task> probe, CancellationToken stoppingToken)
    {
        try
        {
            await probe(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            HostLog.ProbeFailed(logger, probe.Method.Name, e.GetType().Name);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProbeTelegramAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(ProbeTimeout);
        (bool Passed, string Detail) result;
        try
        {
            var me = await bot.GetMe(timeout.Token);
            result = (true, $"getMe answered as @{me.Username}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            result = (false, $"getMe failed: {e.Message}");
        }

        var (after, changed) = health.ReportTelegram(result.Passed, result.Detail);
        if (changed)
        {
            HostLog.HealthChanged(logger, "telegram", after.Status, after.Detail);
        }
    }

    private async Task ProbeStorageAsync(CancellationToken stoppingToken)
    {
        var (healthy, detail) = await storage.ProbeAsync(stoppingToken);
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var (after, changed) = health.ReportStorage(healthy ? null : detail);
        if (changed)
        {
            HostLog.HealthChanged(logger, "storage", after.Status, after.Detail);
        }
    }

    private Task ProbeAgentsAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(personas.All.Select(async persona =>
        {
            var probe = await agents.ProbeAsync(persona, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var (after, changed) = health.ReportAgent(persona.Name, probe.Healthy, probe.Detail);
            if (changed)
            {
                HostLog.HealthChanged(logger, $"agent {persona.Name}", after.Status, after.Detail);
            }
        }));

    private async Task ReadRateWindowsAsync(CancellationToken stoppingToken)
    {
        var usage = await Task.WhenAll(personas.All
            .Where(p => p.RateWindow is not null)
            .Select(p => grains.GetGrain<IPersonaGrain>(p.Name).GetState()));
        health.ReportRateWindows(usage);
    }
}
