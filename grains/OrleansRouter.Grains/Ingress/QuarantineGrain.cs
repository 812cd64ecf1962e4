using OrleansRouter.Grains.Storage;

namespace OrleansRouter.Grains.Ingress;

/// <summary>
/// The quarantine of updates no ChatGrain could store. Every change is written before the call returns: the ingress
/// confirms a quarantined update to Telegram only after this grain stored it.
/// </summary>
public sealed class QuarantineGrain(
    [PersistentState("quarantine", StorageNames.Cluster)] IPersistentState<QuarantineState> state) : Grain, IQuarantineGrain
{
    async Task IQuarantineGrain.AddAsync(QuarantinedUpdate update)
    {
        var before = state.State with { Entries = [.. state.State.Entries] };
        var entries = state.State.Entries;
        var bounded = QuarantineLimits.Bounded(update);
        var earlier = entries.FindIndex(e => e.UpdateId == update.UpdateId);
        if (earlier >= 0)
        {
            // The same update again (another silo, or a redelivery after a crash): one entry, the latest word on it.
            entries.RemoveAt(earlier);
        }
        else
        {
            state.State.Total++;
        }

        entries.Add(bounded);
        while (entries.Count > QuarantineLimits.Entries)
        {
            entries.RemoveAt(0);
            state.State.Dropped++;
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing the caller was told is stored may show: back to what was before, and read storage afresh
            // next time (a write that timed out may have landed after all).
            state.State = before;
            DeactivateOnIdle();
            throw;
        }
    }

    Task<QuarantineSnapshot> IQuarantineGrain.GetState() =>
        Task.FromResult(new QuarantineSnapshot(state.State.Total, state.State.Dropped, state.State.Entries.ToArray()));
}
