using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>One poller in the cluster: the lease moves when its silo stops or dies, and standby silos never poll.</summary>
public sealed class LeaseTests
{
    private static readonly TimeSpan Handover = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_silo_polls_the_lease_moves_on_stop_and_on_kill_and_a_standby_never_polls()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 2);
        var standby = cluster.Start(active: false);
        await standby.WaitForHealthyAsync();
        await Traffic.WaitUntilAsync(() => Task.FromResult(cluster.LeaseHolder() is not null), Handover, () => "a lease holder");
        await using var load = Load.Start(cluster.Telegram, Traffic.Chats(10), TimeSpan.FromMilliseconds(50));

        var first = cluster.LeaseHolder()!;
        first.Terminate();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var stopped = DateTimeOffset.UtcNow;
        await Traffic.WaitUntilAsync(() => Task.FromResult(cluster.LeaseHolder() is not null), Handover, () => "the lease after a stop");
        var afterStop = DateTimeOffset.UtcNow - stopped;

        await cluster.Start().WaitForHealthyAsync();
        var second = cluster.LeaseHolder()!;
        second.Kill();
        await second.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var killed = DateTimeOffset.UtcNow;
        await Traffic.WaitUntilAsync(() => Task.FromResult(cluster.LeaseHolder() is not null), Handover, () => "the lease after a kill");
        var afterKill = DateTimeOffset.UtcNow - killed;

        await load.StopAsync();
        await load.AllAnsweredAsync(TimeSpan.FromSeconds(120));
        TestContext.Current.TestOutputHelper?.WriteLine($"lease moved {afterStop.TotalSeconds:0.0} s after a stop, {afterKill.TotalSeconds:0.0} s after a kill; {load.Reckon()}");
        Assert.Equal(0, load.Reckon().Lost);
        Assert.True(afterStop < Handover && afterKill < Handover, $"the lease moved {afterStop} after a stop, {afterKill} after a kill");
        Assert.NotSame(standby, cluster.LeaseHolder());
        Assert.Contains(standby.Events, e => e["event"]?.GetValue<string>() == "ingress.standby");
        Assert.DoesNotContain(standby.Events, e => e["event"]?.GetValue<string>() == "poller.lease_acquired");
        Assert.All(cluster.All, silo => Assert.True(silo.EventsNamed("poller.lease_acquired").Count() <= 1));
    }
}
