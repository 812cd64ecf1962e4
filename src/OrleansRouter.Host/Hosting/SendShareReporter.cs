using Microsoft.Extensions.Hosting;
using OrleansRouter.Grains;
using OrleansRouter.Telegram.Sending;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// Once a second, tells the cluster's send budget how much this silo has to send (sends made and still waiting)
/// and sets the pacer to the share it gets back: one budget for the bot, however many silos.
/// </summary>
public sealed class SendShareReporter(IGrainFactory grains, SendPacer pacer, ILocalSiloDetails silo, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var budget = grains.GetGrain<ISendBudgetGrain>(ISendBudgetGrain.Telegram);
        var name = silo.SiloAddress.ToParsableString();
        var sentBefore = pacer.Sent;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = pacer.Sent;
            try
            {
                pacer.Share = await budget.ReportDemandAsync(name, sent - sentBefore + pacer.Waiting);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The budget is unreachable for a moment: keep the share we have.
            }

            sentBefore = sent;
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
