using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// Three silo processes on Redis under continuous load from a Bot API emulator: nothing accepted is lost, nothing is
/// processed twice, and each chat keeps its order (docs/architecture.md) through rolling restarts, a killed silo, and
/// a Redis outage.
/// </summary>
public sealed class ClusterTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    [Fact]
    public async Task Silos_restarted_one_at_a_time_with_SIGTERM_lose_nothing_and_double_nothing()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 3, agentDelay: TimeSpan.FromMilliseconds(20));
        await using var load = Load.Start(cluster.Telegram, Traffic.Chats(30), Interval);
        await cluster.Telegram.WaitUntilAsync(t => t.Sent.Count >= 50, TimeSpan.FromSeconds(60), "the first replies");

        foreach (var silo in cluster.Running.ToList())
        {
            silo.Terminate();
            Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.Contains(silo.Events, e => e["event"]?.GetValue<string>() == "router.drained");
            await cluster.Start().WaitForHealthyAsync(TimeSpan.FromSeconds(120));
        }

        await load.StopAsync();
        await load.AllAnsweredAsync(TimeSpan.FromSeconds(120));
        var reckoning = load.Reckon();
        TestContext.Current.TestOutputHelper?.WriteLine($"rolling restart: {reckoning}");
        Assert.True(reckoning is { Lost: 0, Duplicates: 0, OutOfOrder: 0 }, reckoning.ToString());
    }

    [Fact]
    public async Task A_silo_killed_with_SIGKILL_loses_nothing_and_doubles_at_most_the_sends_in_flight()
    {
        var chats = Traffic.Chats(30);
        await using var cluster = await SiloCluster.StartAsync(silos: 3, agentDelay: TimeSpan.FromMilliseconds(20));
        await using var load = Load.Start(cluster.Telegram, chats, Interval);
        await cluster.Telegram.WaitUntilAsync(t => t.Sent.Count >= 50, TimeSpan.FromSeconds(60), "the first replies");
        var victim = cluster.LeaseHolder() ?? cluster.Running.First();

        victim.Kill();
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await cluster.Telegram.WaitUntilAsync(t => t.Sent.Count >= 100, TimeSpan.FromSeconds(120), "replies again after the kill");

        // No new message will wake the chats the dead silo held: their reminders must.
        await load.StopAsync();
        await load.AllAnsweredAsync(TimeSpan.FromSeconds(180));
        var reckoning = load.Reckon();
        TestContext.Current.TestOutputHelper?.WriteLine($"kill: {reckoning}");
        Assert.True(reckoning is { Lost: 0, OutOfOrder: 0 }, reckoning.ToString());

        // A chat has at most one send under way at a time: that is all a kill can double.
        Assert.True(reckoning.Duplicates <= chats.Count, reckoning.ToString());
        Assert.NotNull(cluster.LeaseHolder());
    }

    [Fact]
    public async Task Redis_gone_for_twenty_seconds_degrades_health_confirms_nothing_unstored_and_delivers_everything_after()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 2, agentDelay: TimeSpan.FromMilliseconds(20));
        await using var load = Load.Start(cluster.Telegram, Traffic.Chats(20), Interval);
        await cluster.Telegram.WaitUntilAsync(t => t.Sent.Count >= 50, TimeSpan.FromSeconds(60), "the first replies");

        await cluster.Redis.StopAsync();
        var down = DateTimeOffset.UtcNow;
        await Traffic.WaitUntilAsync(
            async () => (await HealthAsync(cluster)).Any(h => h.Status == 503 && h.Body?["storage"]?["status"]?.GetValue<string>() == "degraded"),
            TimeSpan.FromSeconds(19),
            () => "a silo reporting storage degraded while Redis is down");
        await Task.Delay(down + TimeSpan.FromSeconds(20) - DateTimeOffset.UtcNow is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        var up = DateTimeOffset.UtcNow;
        await cluster.Redis.StartAsync();

        await load.StopAsync();
        await load.AllAnsweredAsync(TimeSpan.FromSeconds(180));
        var reckoning = load.Reckon();
        TestContext.Current.TestOutputHelper?.WriteLine($"redis outage: {reckoning}");
        Assert.True(reckoning is { Lost: 0, OutOfOrder: 0 }, reckoning.ToString());

        // Accepting is a Redis write: with Redis down (after the calls under way when it went), no update was confirmed.
        var confirmedWhileDown = cluster.Telegram.ConfirmedAt.Values.Count(at => at > down + TimeSpan.FromSeconds(3) && at < up);
        Assert.Equal(0, confirmedWhileDown);
        await Traffic.WaitUntilAsync(
            async () => (await HealthAsync(cluster)).All(h => h.Status == 200),
            TimeSpan.FromSeconds(60),
            () => "every silo healthy again");
    }

    private static async Task<List<(int Status, JsonObject? Body)>> HealthAsync(SiloCluster cluster) =>
        [.. await Task.WhenAll(cluster.Running.Select(silo => silo.HealthAsync()))];
}
