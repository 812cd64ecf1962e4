using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;
using StackExchange.Redis;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// The silo's one connection to Redis, shared by clustering, grain storage, reminders and the storage probe, made
/// from <c>REDIS_CONNECTION_STRING</c>. With <c>serviceName=</c> in it the endpoints are Sentinels: StackExchange.Redis
/// asks them for the primary of that service, connects to it and its replicas, and follows the Sentinels' news of a
/// failover. One connection means one view of which server is the primary, and one subscription to that news.
/// </summary>
public sealed class RedisConnection(ClusterSettings cluster, TimeProvider clock, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    /// <summary>How long a start waits for the Sentinels to name a primary before it fails.</summary>
    private static readonly TimeSpan SentinelPatience = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private readonly ConcurrentDictionary<(string EndPoint, ConnectionType Type), byte> _down = new();
    private ConnectionMultiplexer? _multiplexer;
    private string? _primary;

    /// <summary>
    /// The options every user of Redis starts from. A server that is down is retried instead of failing the start;
    /// through Sentinels that holds too, see <see cref="GetAsync"/>.
    /// </summary>
    public static ConfigurationOptions Options(ClusterSettings cluster)
    {
        var options = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        return options;
    }

    /// <summary>For an Orleans Redis provider's <c>CreateMultiplexer</c>: the shared connection, which the provider must not dispose.</summary>
    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> ForProviderAsync() => (await GetAsync(CancellationToken.None), true);

    /// <summary>
    /// The connection, made on first use. A direct connection returns at once and keeps reconnecting in the
    /// background; through Sentinels StackExchange.Redis fails when none of them names a primary, so this keeps
    /// asking them for a while (a failover in progress, Sentinels starting with the silo) before it gives up.
    /// </summary>
    public async Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            return _multiplexer ??= await ConnectAsync(cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.DisposeAsync();
        }

        _connecting.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = Options(cluster);
        var giveUpAt = clock.GetUtcNow() + SentinelPatience;
        while (true)
        {
            try
            {
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
                Watch(multiplexer, options.ServiceName);
                return multiplexer;
            }
            catch (RedisConnectionException e) when (options.ServiceName is not null && clock.GetUtcNow() < giveUpAt)
            {
                HostLog.RedisConnectFailed(logger, options.ServiceName, e.Message, TimeSpan.FromSeconds(1));
                await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
            }
        }
    }

    private void Watch(ConnectionMultiplexer multiplexer, string? serviceName)
    {
        // StackExchange.Redis reports every failed reconnect attempt; the log says when a connection goes and comes back.
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (_down.TryAdd((e.EndPoint?.ToString() ?? "?", e.ConnectionType), 0))
            {
                HostLog.RedisConnectionLost(logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString(), e.FailureType.ToString());
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (_down.TryRemove((e.EndPoint?.ToString() ?? "?", e.ConnectionType), out byte _))
            {
                HostLog.RedisConnectionRestored(logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString());
            }

            if (serviceName is not null)
            {
                _ = ReportPrimaryAsync(multiplexer, serviceName);
            }
        };
        if (serviceName is null)
        {
            return;
        }

        // After a failover the writes move when a connection comes back or the configuration is read again.
        multiplexer.ConfigurationChanged += (_, _) => _ = ReportPrimaryAsync(multiplexer, serviceName);
        _ = ReportPrimaryAsync(multiplexer, serviceName);
    }

    /// <summary>
    /// Logs the server the writes go to whenever it is another than before, and checks it. While the primary moves,
    /// StackExchange.Redis may name the old one for a while, or have none, or lose its connection to it as it is
    /// demoted: until the server it names says it is the primary, this asks again every second (for a minute at most),
    /// so a silo's last report names the primary its writes reach even when no further news comes.
    /// </summary>
    private async Task ReportPrimaryAsync(ConnectionMultiplexer multiplexer, string serviceName)
    {
        for (var attempt = 0; attempt < 60 && !await TryReportPrimaryAsync(multiplexer, serviceName); attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), clock);
        }
    }

    /// <summary>
    /// True when the server the writes go to says it is the primary (logged when it is another than before); false
    /// to ask again. One at a time: a report that waited on a slow server must not log it after a later report
    /// logged its successor.
    /// </summary>
    private async Task<bool> TryReportPrimaryAsync(ConnectionMultiplexer multiplexer, string serviceName)
    {
        await _reporting.WaitAsync();
        try
        {
            if (await multiplexer.GetDatabase().IdentifyEndpointAsync(flags: CommandFlags.DemandMaster) is not { } endpoint)
            {
                return false;
            }

            var name = endpoint.ToString() ?? "?";
            IReadOnlyDictionary<string, string>? replication = null;
            string? refusal = null;
            try
            {
                replication = await ReplicationAsync(multiplexer.GetServer(endpoint));
            }
            catch (RedisServerException e)
            {
                // Say, an ACL without INFO: the check is for the operator's sake and must not keep the primary from being reported.
                refusal = e.Message;
            }

            if (replication?.GetValueOrDefault("role") is not (null or "master"))
            {
                return false;
            }

            if (_primary != name)
            {
                _primary = name;
                HostLog.RedisSentinelPrimary(logger, serviceName, name);
                CheckProtection(name, replication, refusal);
            }

            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // No primary to ask just now (a timeout, a connection lost as the primary moves).
            return false;
        }
        catch (ObjectDisposedException)
        {
            // The silo is stopping.
            return true;
        }
        finally
        {
            _reporting.Release();
        }
    }

    /// <summary>The server's <c>INFO replication</c> fields.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> ReplicationAsync(IServer server)
    {
        // Not IServer.InfoAsync: StackExchange.Redis counts INFO as an admin command there, and admin stays off.
        var text = (string?)await server.ExecuteAsync("INFO", "replication") ?? "";
        return text.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    /// <summary>
    /// A Sentinel failover leaves the old primary running, and taking writes, for about ten seconds before the
    /// Sentinels turn it into a replica and its writes are thrown away. Only a primary that refuses writes while no
    /// replica follows it (<c>min-replicas-to-write</c>, which INFO shows as <c>min_slaves_good_slaves</c>) loses none.
    /// </summary>
    private void CheckProtection(string primary, IReadOnlyDictionary<string, string>? replication, string? refusal)
    {
        if (refusal is not null)
        {
            HostLog.RedisCheckFailed(logger, primary, refusal);
        }
        else if (replication is not null && !replication.ContainsKey("min_slaves_good_slaves"))
        {
            HostLog.RedisUnprotectedFailover(logger, primary);
        }
    }
}
