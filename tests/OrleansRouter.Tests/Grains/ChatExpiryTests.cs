using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRouter.Grains;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Hosting;
using OrleansRouter.Personas;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;
using StackExchange.Redis;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>A cluster on a real redis-server whose storage is set up as the router sets it up, from its configuration.</summary>
public abstract class ExpiringRedisCluster : RouterCluster
{
    public RedisServer Redis { get; private set; } = null!;

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    protected override async Task BeforeDeployAsync() => Redis = await RedisServer.StartAsync();

    protected override async Task AfterStopAsync() => await Redis.DisposeAsync();

    /// <summary>The keys holding the chat's state, as the Redis storage provider names them.</summary>
    public async Task<List<RedisKey>> StateKeysAsync(IChatGrain chat)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var key = chat.GetGrainId().Key.ToString();
        return redis.GetServer(Redis.ConnectionString).Keys(pattern: "*/state/*").Where(k => k.ToString().Contains($"/{key}/", StringComparison.Ordinal)).ToList();
    }

    public async Task<TimeSpan?> TimeToLiveAsync(RedisKey key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        return await redis.GetDatabase().KeyTimeToLiveAsync(key);
    }
}

/// <summary>The router's own storage wiring (<see cref="SiloProviders"/>), read through the config guard with CHAT_IDLE_EXPIRY=2d.</summary>
public class ConfiguredExpiryCluster : ExpiringRedisCluster
{
    /// <summary>What the silo runs with instead of the configured expiry; null keeps it.</summary>
    protected virtual TimeSpan? ExpiryOverride => null;

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        var reading = RouterSettingsReader.Read([], new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["ORLEANS_STORAGE"] = "redis",
            ["REDIS_CONNECTION_STRING"] = Redis.ConnectionString,
            ["CHAT_IDLE_EXPIRY"] = "2d",
        }, DateTimeOffset.UtcNow);
        var settings = reading.Settings ?? throw new InvalidOperationException(string.Join("; ", reading.Problems.Select(p => $"{p.Key} {p.Problem}")));
        if (ExpiryOverride is { } expiry)
        {
            settings = settings with { Chats = settings.Chats with { IdleExpiry = expiry } };
        }

        silo.Services.AddSingleton(settings);
        silo.Services.AddSingleton(settings.Cluster);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.AddRouterStorage(settings.Cluster);
    }
}

/// <summary>The same wiring with chat state expiring after two seconds (far below what the guard allows), to watch it go.</summary>
public sealed class ShortExpiryCluster : ConfiguredExpiryCluster
{
    protected override TimeSpan? ExpiryOverride => TimeSpan.FromSeconds(2);
}

public sealed class ChatExpiryTests(ConfiguredExpiryCluster cluster) : IClassFixture<ConfiguredExpiryCluster>
{
    [Fact]
    public async Task After_a_message_the_chats_state_expires_chat_idle_expiry_after_its_last_write()
    {
        var chat = NewChatId();
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);

        await grain.AcceptAsync(Message(chat, "hello"));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");
        await Eventually.HoldsAsync(async () => (await grain.GetState()).InboxDepth == 0, "the reply done");

        var keys = await cluster.StateKeysAsync(grain);
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var ttl = await cluster.TimeToLiveAsync(key);
            Assert.True(ttl is { } left && left > TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1) && left <= TimeSpan.FromDays(2), $"{key} has a TTL of {ttl}");
        }
    }
}

public sealed class ShortChatExpiryTests(ShortExpiryCluster cluster) : IClassFixture<ShortExpiryCluster>
{
    [Fact]
    public async Task An_idle_chats_state_is_gone_once_its_expiry_is_over()
    {
        var chat = NewChatId();
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);

        await grain.AcceptAsync(Message(chat, "hello"));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");
        await Eventually.HoldsAsync(async () => (await grain.GetState()).InboxDepth == 0, "the reply done");
        Assert.NotEmpty(await cluster.StateKeysAsync(grain));

        await Eventually.HoldsAsync(async () => (await cluster.StateKeysAsync(grain)).Count == 0, "the chat's state expired", TimeSpan.FromSeconds(30));
    }
}
