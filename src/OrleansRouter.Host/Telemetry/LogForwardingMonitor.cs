using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansRouter.Host.Telemetry;

/// <summary>Reports lines the log drain lost, every ten seconds that it lost any, as <c>log.forward_dropped</c>.</summary>
public sealed class LogForwardingMonitor(LogForwardingSink sink, TimeProvider clock, ILogger<LogForwardingMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reported = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var dropped = sink.Dropped;
            if (dropped > reported)
            {
                HostLog.ForwardDropped(logger, sink.Target.ToString(), dropped - reported, dropped);
                reported = dropped;
            }
        }
    }
}
