namespace OrleansRouter.Testing.Hostile;

/// <summary>A router's resident memory once it has stopped falling, for before-and-after comparisons.</summary>
public static class ResidentMemory
{
    /// <summary>
    /// Has the router collect its garbage (<see cref="GarbageCollectionTrigger"/>), then samples VmRSS every 500 ms
    /// until it has not reached a new low (by more than 1 MiB) for six samples in a row, or <paramref name="deadline"/>
    /// passes; returns the lowest sample. Left alone, an idle process collects when it likes, so a sample after load
    /// says more about the collector's timing than about what the process holds.
    /// </summary>
    public static async Task<long> SettledAsync(RouterProcess router, TimeSpan? deadline = null)
    {
        const long Step = 1024 * 1024;
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        if (!await GarbageCollectionTrigger.RunAsync(router.Id))
        {
            throw new InvalidOperationException($"could not make process {router.Id} collect its garbage (no diagnostic socket?)");
        }

        var lowest = router.ResidentMemory().Current;
        var sinceLow = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (sinceLow < 6 && DateTime.UtcNow < until && await tick.WaitForNextTickAsync())
        {
            var now = router.ResidentMemory().Current;
            if (now < lowest - Step)
            {
                lowest = now;
                sinceLow = 0;
            }
            else
            {
                lowest = Math.Min(lowest, now);
                sinceLow++;
            }
        }

        return lowest;
    }

    public static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):0.0} MiB";
}
