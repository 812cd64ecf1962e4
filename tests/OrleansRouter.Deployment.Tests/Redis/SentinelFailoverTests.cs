using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Redis;

/// <summary>
/// Two silos on Redis through three Sentinels (clustering, grain state and reminders all through
/// <c>serviceName=</c>), under load from the Bot API emulator, while the Sentinels move the primary.
/// The servers refuse writes while no replica follows them (<c>min-replicas-to-write 1</c>), as docs/redis.md
/// asks: that is what keeps the old primary from taking writes that the failover then throws away.
/// </summary>
public sealed class SentinelFailoverTests
{
    private static readonly string[] Protected = ["min-replicas-to-write 1", "min-replicas-max-lag 10"];

    /// <summary>How the primary goes.</summary>
    public enum Move
    {
        /// <summary>
        /// Writes paused until the replica has them all, <c>SENTINEL FAILOVER</c>, writes let go: the Sentinels demote
        /// the old primary some ten seconds after the promotion, and until then it refuses writes.
        /// </summary>
        Failover,

        /// <summary>The switchover of docs/redis.md, by ops/redis-switchover.sh: the same, and the old primary demoted at once.</summary>
        Switchover,

        /// <summary>The primary's process is killed; the Sentinels promote the replica; the old primary comes back as a replica.</summary>
        Crash,
    }

    [Theory]
    [InlineData(Move.Failover)]
    [InlineData(Move.Switchover)]
    [InlineData(Move.Crash)]
    public async Task The_primary_moving_under_load_loses_nothing_and_keeps_each_chat_in_order(Move move)
    {
        var chats = Traffic.Chats(30);
        await using var redis = await RedisSentinelSet.StartAsync(Protected);

        // The cluster's own standalone Redis stays unused: every silo is pointed at the Sentinels.
        await using var cluster = await SiloCluster.StartAsync(silos: 2, agentDelay: TimeSpan.FromMilliseconds(20),
            extra: new Dictionary<string, string> { ["REDIS_CONNECTION_STRING"] = redis.ConnectionString });
        await using var load = Load.Start(cluster.Telegram, chats, TimeSpan.FromMilliseconds(40));
        await cluster.Telegram.WaitUntilAsync(t => t.Sent.Count >= 50, TimeSpan.FromSeconds(60), "the first replies");

        var movedAt = DateTimeOffset.UtcNow;
        var (old, promoted, took) = move switch
        {
            Move.Failover => await redis.FailoverAsync(),
            Move.Switchover => await redis.SwitchOverAsync(),
            _ => await redis.CrashPrimaryAsync(),
        };
        if (move == Move.Crash)
        {
            // As its supervisor would; until then the new primary has no replica, and refuses writes.
            await redis.RestartAsReplicaAsync(old);
        }

        var promotedAt = DateTimeOffset.UtcNow;
        await cluster.Telegram.WaitUntilAsync(t => t.Sent.Count(s => s.At > promotedAt) >= 100, TimeSpan.FromSeconds(120), "replies again after the move");
        await load.StopAsync();
        await load.AllAnsweredAsync(TimeSpan.FromSeconds(120));

        var reckoning = load.Reckon();
        var stalls = Stalls.Since(movedAt, cluster.Telegram);
        TestContext.Current.TestOutputHelper?.WriteLine($"{move} {old} -> {promoted}: promoted in {took.TotalSeconds:0.0} s; {stalls}; {reckoning}");
        Assert.True(reckoning is { Lost: 0, OutOfOrder: 0 }, $"{reckoning}; {stalls}");

        // A crash can cut a chat between a reply's send and the write that records it: that reply goes again.
        // Moving a running primary refuses writes, or answers them, but never leaves one half done.
        Assert.True(move == Move.Crash ? reckoning.Duplicates <= chats.Count : reckoning.Duplicates == 0, $"{reckoning}; {stalls}");

        // The old primary follows the new one, every silo says it writes to the new one (once that server says it is
        // the primary: within a second or so), and nobody was ever told its writes were safe.
        await redis.WaitForReplicaAsync(old);
        Assert.Equal(promoted, await redis.AgreedPrimaryAsync());
        foreach (var silo in cluster.All)
        {
            await Traffic.WaitUntilAsync(() => Task.FromResult(Primary(silo)?.EndsWith($":{promoted}", StringComparison.Ordinal) == true),
                TimeSpan.FromSeconds(60), () => $"redis.sentinel_primary naming port {promoted}, not {Primary(silo)}:\n{silo.StandardOutput}");
            var warnings = silo.EventsNamed("redis.unprotected_failover").Concat(silo.EventsNamed("redis.check_failed")).Select(e => e.ToJsonString()).ToList();
            Assert.True(warnings.Count == 0, string.Join("\n", warnings));
        }
    }

    [Fact]
    public async Task A_silo_warns_when_the_primary_takes_writes_that_a_failover_would_throw_away()
    {
        await using var redis = await RedisSentinelSet.StartAsync();
        await using var cluster = await SiloCluster.StartAsync(silos: 1,
            extra: new Dictionary<string, string> { ["REDIS_CONNECTION_STRING"] = redis.ConnectionString });

        var silo = cluster.All.Single();
        await Traffic.WaitUntilAsync(() => Task.FromResult(silo.EventsNamed("redis.unprotected_failover").Any()), TimeSpan.FromSeconds(30),
            () => $"a redis.unprotected_failover warning:\n{silo.StandardOutput}");
        Assert.Contains(redis.ServerPorts[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            silo.EventsNamed("redis.unprotected_failover").First()["redis_endpoint"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The primary the silo last said its writes go to.</summary>
    private static string? Primary(RouterProcess silo) => silo.EventsNamed("redis.sentinel_primary").LastOrDefault()?["redis_endpoint"]?.GetValue<string>();
}
