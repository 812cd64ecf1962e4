using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Personas;
using OrleansRouter.Queues;

namespace OrleansRouter.Host.Health;

/// <summary>
/// The <c>health.tick</c> event every <c>HEALTH_TICK_SECONDS</c>: the state of every part, as <c>/healthz</c> has it.
/// Its <c>status</c> is <c>ready</c>, <c>degraded</c> when anything is not (a probe failed twice in a row, say), or
/// the router's state while it is <c>starting</c> or <c>draining</c>.
/// </summary>
public sealed class HealthTicker(
    RouterHealth health,
    QueueGauge gauge,
    QueueOptions queue,
    PersonaMap personas,
    HealthSettings settings,
    TimeProvider clock,
    ILogger<HealthTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(settings.TickInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stoppingToken.IsCancellationRequested)
            {
                Tick();
            }
        }
    }

    public void Tick()
    {
        var state = health.State;
        var status = state != RouterState.Ready ? state.ToString().ToLowerInvariant() : health.IsReady ? ComponentHealth.Ready : ComponentHealth.Degraded;
        var agents = health.Agents;
        HostLog.HealthTick(
            logger,
            status,
            state.ToString().ToLowerInvariant(),
            health.Telegram.Status,
            health.Storage.Status,
            health.AgentsStatus,
            personas.All.ToDictionary(p => p.Name, p => agents.GetValueOrDefault(p.Name, ComponentHealth.Unknown).Status),
            gauge.Depth,
            Math.Round((double)gauge.Retrying / queue.RetryCacheCapacity, 4),
            Math.Round(health.Uptime.TotalSeconds, 1));
    }
}
