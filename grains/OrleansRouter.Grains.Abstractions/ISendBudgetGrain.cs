using Orleans.CodeGeneration;

namespace OrleansRouter.Grains;

/// <summary>
/// Shares the bot's one sending budget among the silos: each reports how many sends it has to make, and gets a
/// share in proportion. A silo that stopped reporting drops out after a few seconds.
/// </summary>
[Version(1)]
[Alias("send-budget")]
public interface ISendBudgetGrain : IGrainWithStringKey
{
    public const string Telegram = "telegram";

    /// <returns>This silo's share of the budget, from 0 to 1.</returns>
    [Alias("report")]
    Task<double> ReportDemandAsync(string silo, long demand);
}
