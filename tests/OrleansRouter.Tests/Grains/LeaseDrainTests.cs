using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;

namespace OrleansRouter.Tests.Grains;

/// <summary>A cluster of its own: its silo drains for good in the test.</summary>
public sealed class DrainingLeaseCluster : RouterCluster
{
    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());
}

/// <summary>
/// The silo hosting the lease grain stops: a silo waiting for its turn there must not hold that stop back, since
/// the grain deactivates only once every call under way has returned.
/// </summary>
public sealed class LeaseDrainTests(DrainingLeaseCluster cluster) : IClassFixture<DrainingLeaseCluster>
{
    [Fact]
    public async Task A_wait_for_the_lease_ends_when_the_silo_hosting_it_drains_and_later_ones_are_short()
    {
        var lease = cluster.Grains.GetGrain<IPollerLeaseGrain>($"lease-{Guid.NewGuid():N}");
        Assert.NotNull(await lease.TryAcquireAsync("silo-a", TimeSpan.FromMinutes(10)));
        var waiting = lease.WaitForTurnAsync(TimeSpan.FromMinutes(5));
        Assert.Null(await lease.TryAcquireAsync("silo-b", TimeSpan.FromMinutes(10)));
        Assert.False(waiting.IsCompleted);

        cluster.Drain.Begin();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        await lease.WaitForTurnAsync(TimeSpan.FromMinutes(5)).WaitAsync(TimeSpan.FromSeconds(30));

        // The lease itself is untouched: the holder keeps it until it lets go or it runs out.
        Assert.Null(await lease.TryAcquireAsync("silo-b", TimeSpan.FromMinutes(10)));
    }
}
