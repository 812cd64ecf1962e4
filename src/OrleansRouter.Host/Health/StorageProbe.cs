using OrleansRouter.Host.Hosting;
using StackExchange.Redis;

namespace OrleansRouter.Host.Health;

/// <summary>Checks that grain storage answers.</summary>
public interface IStorageProbe
{
    Task<(bool Healthy, string Detail)> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Memory storage is always there while the process is.</summary>
public sealed class MemoryStorageProbe : IStorageProbe
{
    public Task<(bool Healthy, string Detail)> ProbeAsync(CancellationToken cancellationToken) =>
        Task.FromResult((true, "memory storage"));
}

/// <summary>PINGs the Redis server grain state lives in, over the connection the grains' storage uses (after a failover, the new primary).</summary>
public sealed class RedisStorageProbe(RedisConnection redis) : IStorageProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<(bool Healthy, string Detail)> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await redis.GetAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
            return (true, $"Redis answered PING in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return (false, $"Redis does not answer: {e.Message}");
        }
    }
}
