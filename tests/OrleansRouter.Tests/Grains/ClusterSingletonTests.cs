using OrleansRouter.Grains;

namespace OrleansRouter.Tests.Grains;

/// <summary>The cluster-wide grains: the poller lease and the send budget, on the fake clock.</summary>
public sealed class ClusterSingletonTests(RateCluster cluster) : IClassFixture<RateCluster>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_holder_succeeded_by_a_newer_silo_on_its_endpoint_holds_nothing_but_a_live_one_does()
    {
        var lease = cluster.Grains.GetGrain<IPollerLeaseGrain>($"lease-{Guid.NewGuid():N}");
        var live = cluster.Cluster.Silos[0].SiloAddress;
        var restartedAway = SiloAddress.New(live.Endpoint, live.Generation - 1).ToParsableString();
        var elsewhere = SiloAddress.New(new System.Net.IPEndPoint(live.Endpoint.Address, live.Endpoint.Port + 1), live.Generation - 1).ToParsableString();

        var dead = await lease.TryAcquireAsync(restartedAway, Lease);
        var taken = await lease.TryAcquireAsync(live.ToParsableString(), Lease);
        var refused = await lease.TryAcquireAsync(elsewhere, Lease);

        Assert.NotNull(dead);
        Assert.Equal(dead!.Token + 1, taken!.Token);
        Assert.Null(refused);
    }

    [Fact]
    public async Task The_lease_has_one_holder_moves_on_when_it_runs_out_and_the_old_holder_cannot_renew_it()
    {
        var lease = cluster.Grains.GetGrain<IPollerLeaseGrain>($"lease-{Guid.NewGuid():N}");

        var a = await lease.TryAcquireAsync("silo-a", Lease);
        var refused = await lease.TryAcquireAsync("silo-b", Lease);
        cluster.FakeClock.Advance(TimeSpan.FromSeconds(15));
        var renewed = await lease.TryAcquireAsync("silo-a", Lease);
        cluster.FakeClock.Advance(TimeSpan.FromSeconds(15));
        var stillRefused = await lease.TryAcquireAsync("silo-b", Lease);
        cluster.FakeClock.Advance(TimeSpan.FromSeconds(6));
        var b = await lease.TryAcquireAsync("silo-b", Lease);

        Assert.NotNull(a);
        Assert.Null(refused);
        Assert.Equal(a!.Token, renewed!.Token);
        Assert.Null(stillRefused);
        Assert.Equal(a.Token + 1, b!.Token);
        Assert.True(b.ExpiresAt > cluster.FakeClock.GetUtcNow());
        Assert.Null(await lease.TryAcquireAsync("silo-a", Lease));
    }

    [Fact]
    public async Task A_released_lease_goes_to_the_next_silo_at_once()
    {
        var lease = cluster.Grains.GetGrain<IPollerLeaseGrain>($"lease-{Guid.NewGuid():N}");

        var a = await lease.TryAcquireAsync("silo-a", Lease);
        await lease.ReleaseAsync("silo-b", a!.Token);
        var notYet = await lease.TryAcquireAsync("silo-b", Lease);
        await lease.ReleaseAsync("silo-a", a.Token);
        var b = await lease.TryAcquireAsync("silo-b", Lease);

        Assert.Null(notYet);
        Assert.NotNull(b);
    }

    [Fact]
    public async Task A_silo_waiting_for_its_turn_is_let_in_when_the_holder_lets_go_or_the_lease_runs_out()
    {
        var lease = cluster.Grains.GetGrain<IPollerLeaseGrain>($"lease-{Guid.NewGuid():N}");
        await lease.WaitForTurnAsync(TimeSpan.FromMinutes(5)).WaitAsync(TimeSpan.FromSeconds(30));

        // The fake clock stands still: only the release can end this wait before its five minutes. The refused
        // attempt after it is a round trip that the grain answers after it has taken the wait in.
        var a = await lease.TryAcquireAsync("silo-a", Lease);
        var released = lease.WaitForTurnAsync(TimeSpan.FromMinutes(5));
        Assert.Null(await lease.TryAcquireAsync("silo-b", Lease));
        Assert.False(released.IsCompleted);
        await lease.ReleaseAsync("silo-a", a!.Token);
        await released.WaitAsync(TimeSpan.FromSeconds(30));
        var b = await lease.TryAcquireAsync("silo-b", Lease);

        // A holder that stops renewing: the wait ends with the lease, not at its own limit.
        var ranOut = lease.WaitForTurnAsync(TimeSpan.FromMinutes(5));
        Assert.Null(await lease.TryAcquireAsync("silo-c", Lease));
        Assert.False(ranOut.IsCompleted);
        cluster.FakeClock.Advance(Lease + TimeSpan.FromSeconds(1));
        await ranOut.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(b);
        Assert.NotNull(await lease.TryAcquireAsync("silo-c", Lease));
    }

    [Fact]
    public async Task The_send_budget_is_shared_by_demand_and_forgets_silent_silos()
    {
        var budget = cluster.Grains.GetGrain<ISendBudgetGrain>($"budget-{Guid.NewGuid():N}");

        var alone = await budget.ReportDemandAsync("silo-a", 30);
        var b = await budget.ReportDemandAsync("silo-b", 10);
        var a = await budget.ReportDemandAsync("silo-a", 30);
        cluster.FakeClock.Advance(TimeSpan.FromSeconds(6));
        var aAlone = await budget.ReportDemandAsync("silo-a", 30);

        Assert.Equal(1, alone);
        Assert.Equal(0.25, b, precision: 3);
        Assert.Equal(0.75, a, precision: 3);
        Assert.Equal(1, aAlone);
    }
}
