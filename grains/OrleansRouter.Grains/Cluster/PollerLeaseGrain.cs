using OrleansRouter.Grains.Storage;

namespace OrleansRouter.Grains.Cluster;

/// <summary>
/// The poller lease. Its state is stored on every change, so a silo that takes the grain over after a crash
/// knows who held the lease, with which token, until when. A holder the cluster knows is gone holds nothing: one
/// declared dead, or one a newer silo on the same endpoint succeeded (its process restarted, after kill -9 say), so
/// the restarted silo polls at once instead of waiting the dead one's lease out.
/// </summary>
public sealed class PollerLeaseGrain(
    [PersistentState("lease", StorageNames.Cluster)] IPersistentState<PollerLeaseState> state,
    GrainDependencies services,
    IClusterMembershipService membership) : Grain, IPollerLeaseGrain
{
    /// <summary>How long a wait lasts while this silo drains (see <see cref="IPollerLeaseGrain.WaitForTurnAsync"/>).</summary>
    private static readonly TimeSpan WaitWhileDraining = TimeSpan.FromMilliseconds(100);

    /// <summary>Completed when the holder gives the lease up; the silos waiting for their turn wait on it.</summary>
    private TaskCompletionSource? _released;

    private DateTimeOffset Now => services.Clock.GetUtcNow();

    private bool Held => state.State.Holder is { } holder && state.State.ExpiresAt > Now && !Gone(holder);

    async Task<PollerLease?> IPollerLeaseGrain.TryAcquireAsync(string holder, TimeSpan duration)
    {
        var current = state.State;
        var held = Held;
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

    private bool Gone(string holder)
    {
        if (SiloOf(holder) is not { } silo)
        {
            return false;
        }

        var members = membership.CurrentSnapshot.Members;
        if (members.TryGetValue(silo, out var member))
        {
            return member.Status == SiloStatus.Dead;
        }

        return members.Values.Any(other => other.Status == SiloStatus.Active
            && other.SiloAddress.Endpoint.Equals(silo.Endpoint) && other.SiloAddress.Generation > silo.Generation);
    }

    /// <summary>The silo a holder names (holders are silo addresses; anything else is never taken for gone).</summary>
    private static SiloAddress? SiloOf(string holder)
    {
        try
        {
            return holder.Contains('@', StringComparison.Ordinal) ? SiloAddress.FromParsableString(holder) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    async Task IPollerLeaseGrain.ReleaseAsync(string holder, long token)
    {
        if (state.State.Holder == holder && state.State.Token == token)
        {
            state.State.ExpiresAt = Now;
            await state.WriteStateAsync();
            _released?.TrySetResult();
            _released = null;
        }
    }

    /// <remarks>
    /// A stopping silo deactivates this grain only once every call under way has returned, so a wait held here
    /// would hold the silo's stop back by as much as the wait: once the silo drains, waits end, and new ones are a
    /// short pause.
    /// </remarks>
    async Task IPollerLeaseGrain.WaitForTurnAsync(TimeSpan atMost)
    {
        if (!Held)
        {
            return;
        }

        if (services.Drain.IsDraining)
        {
            await Task.Delay(WaitWhileDraining, services.Clock);
            return;
        }

        var untilExpiry = state.State.ExpiresAt - Now;
        _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _released.Task.WaitAsync(untilExpiry < atMost ? untilExpiry : atMost, services.Clock, services.Drain.Draining)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }
}

[GenerateSerializer, Alias("poller-lease-state")]
public sealed record PollerLeaseState
{
    [Id(0)] public string? Holder { get; set; }

    [Id(1)] public long Token { get; set; }

    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}
