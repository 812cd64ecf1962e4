using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Queues;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// The first thing a stopping silo does, while its HTTP endpoint still answers: <c>/healthz</c> turns 503
/// (<c>draining</c>), the ingresses take no more updates, chats start nothing new, and agent calls and sends
/// already under way get up to <c>SHUTDOWN_DRAIN_SECONDS</c> to finish. What is left stays stored for the other silos.
/// </summary>
public sealed class DrainCoordinator(
    RouterHealth health,
    DrainSignal drain,
    QueueGauge gauge,
    RouterSettings settings,
    TimeProvider clock,
    ILogger<DrainCoordinator> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        health.MoveTo(RouterState.Draining);
        drain.Begin();
        HostLog.Draining(logger, settings.ShutdownDrain.TotalSeconds, gauge.InFlight);
        var deadline = clock.GetUtcNow() + settings.ShutdownDrain;
        await WaitForIdleAsync(deadline, cancellationToken);

        // Nothing may start after this; a pump that began before it and missed it is in flight, so wait once more.
        drain.Finish();
        await WaitForIdleAsync(deadline, cancellationToken);
        HostLog.Drained(logger, gauge.InFlight, gauge.Depth);
    }

    private async Task WaitForIdleAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (gauge.InFlight > 0 && clock.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
