using OrleansRouter.Grains.Storage;

namespace OrleansRouter.Grains.Cluster;

/// <summary>
/// The poller lease. Its state is stored on every change, so a silo that takes the grain over after a crash
/// knows who held the lease, with which token, until when.
/// </summary>
public sealed class PollerLeaseGrain(
    [PersistentState("lease", StorageNames.Cluster)] IPersistentState<PollerLeaseState> state,
    GrainDependencies services) : Grain, IPollerLeaseGrain
{
    private DateTimeOffset Now => services.Clock.GetUtcNow();

    async Task<PollerLease?> IPollerLeaseGrain.TryAcquireAsync(string holder, TimeSpan duration)
    {
        var current = state.State;
        var held = current.Holder is not null && current.ExpiresAt > Now;
        if (held && current.Holder != holder)
        {
            return null;
        }

        if (!held || current.Holder != holder)
        {
            current.Token++;
            current.Holder = holder;
        }

        current.ExpiresAt = Now + duration;
        await state.WriteStateAsync();
        return new PollerLease(holder, current.Token, current.ExpiresAt);
    }

    async Task IPollerLeaseGrain.ReleaseAsync(string holder, long token)
    {
        if (state.State.Holder == holder && state.State.Token == token)
        {
            state.State.ExpiresAt = Now;
            await state.WriteStateAsync();
        }
    }
}

[GenerateSerializer, Alias("poller-lease-state")]
public sealed record PollerLeaseState
{
    [Id(0)] public string? Holder { get; set; }

    [Id(1)] public long Token { get; set; }

    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}
