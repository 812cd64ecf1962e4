namespace OrleansRouter.Grains.Cluster;

/// <summary>
/// Kept in memory only: after a crash the silos report again within a second, and until then each keeps the
/// share it had.
/// </summary>
public sealed class SendBudgetGrain(GrainDependencies services) : Grain, ISendBudgetGrain
{
    /// <summary>A silo not heard from for this long has stopped, or has nothing to send.</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromSeconds(5);

    /// <summary>Even a silo with nothing queued keeps a little of the budget, so its first send need not wait.</summary>
    private const double Floor = 0.05;

    private readonly Dictionary<string, (long Demand, DateTimeOffset At)> _silos = [];

    Task<double> ISendBudgetGrain.ReportDemandAsync(string silo, long demand)
    {
        var now = services.Clock.GetUtcNow();
        _silos[silo] = (Math.Max(demand, 0), now);
        foreach (var gone in _silos.Where(s => now - s.Value.At > Forget).Select(s => s.Key).ToList())
        {
            _silos.Remove(gone);
        }

        var total = _silos.Values.Sum(s => s.Demand);
        var share = total == 0 ? 1.0 / _silos.Count : (double)_silos[silo].Demand / total;
        return Task.FromResult(Math.Clamp(share, Floor, 1));
    }
}
