using OrleansRouter.Host.Configuration;
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

/// <summary>PINGs the Redis server grain state lives in, over a connection of its own.</summary>
public sealed class RedisStorageProbe(ClusterSettings cluster) : IStorageProbe, IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(SiloProviders.Redis(cluster)));

    public async Task<(bool Healthy, string Detail)> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _connection.Value.WaitAsync(Timeout, cancellationToken);
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
            return (true, $"Redis answered PING in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return (false, $"Redis does not answer: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }
}
