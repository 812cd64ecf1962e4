using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Persistence;
using Orleans.Versions.Compatibility;
using Orleans.Versions.Selector;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// The one place where development and production hosting differ: localhost clustering or Redis clustering;
/// memory or Redis for grain state and reminders.
/// </summary>
public static class SiloProviders
{
    public static ISiloBuilder UseRouterClustering(this ISiloBuilder silo, ClusterSettings cluster)
    {
        if (cluster.Clustering == ClusteringMode.Localhost)
        {
            return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        if (cluster.AdvertisedAddress is { } address)
        {
            silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        }
        else
        {
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
        }

        // A dead silo is declared dead in about ten seconds, so its chats move on quickly.
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 3;
            options.NumVotesForDeathDeclaration = 1;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        });
        silo.UseRedisClustering(options => options.ConfigurationOptions = RedisConnection.Options(cluster));
        silo.Services.TryAddSingleton<RedisConnection>();
        silo.Services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((options, redis) => options.CreateMultiplexer = _ => redis.ForProviderAsync());
        return silo;
    }

    public static ISiloBuilder AddRouterStorage(this ISiloBuilder silo, ClusterSettings cluster)
    {
        silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = cluster.ChatReminderPeriod);
        silo.Services.AddChatStorageSerializer();

        // Memory storage (local only) keeps chat state until the silo stops: CHAT_IDLE_EXPIRY applies to Redis.
        if (cluster.Storage == StorageMode.Memory)
        {
            return silo
                .AddMemoryGrainStorage(StorageNames.Chats)
                .AddMemoryGrainStorage(StorageNames.Personas)
                .AddMemoryGrainStorage(StorageNames.Cluster)
                .UseInMemoryReminderService();
        }

        // Every provider gets the silo's one Redis connection (the Sentinels' view of the primary included).
        silo.Services.TryAddSingleton<RedisConnection>();
        foreach (var name in new[] { StorageNames.Chats, StorageNames.Personas, StorageNames.Cluster })
        {
            silo.AddRedisGrainStorage(name, options => options.ConfigurationOptions = RedisConnection.Options(cluster));
            silo.Services.AddOptions<RedisStorageOptions>(name).Configure<RedisConnection>((options, redis) => options.CreateMultiplexer = _ => redis.ForProviderAsync());
        }

        // Chat state goes CHAT_IDLE_EXPIRY after its last write: every write renews the key's TTL, so a chat with work
        // waiting never loses it (see ChatSettingsReader.MinimumChatIdleExpiry). Persona and cluster state stay.
        silo.Services.AddOptions<RedisStorageOptions>(StorageNames.Chats).Configure<RouterSettings>((options, settings) => options.EntryExpiry = settings.Chats.IdleExpiry);

        silo.UseRedisReminderService(options => options.ConfigurationOptions = RedisConnection.Options(cluster));
        silo.Services.AddOptions<RedisReminderTableOptions>().Configure<RedisConnection>((options, redis) => options.CreateMultiplexer = _ => redis.ForProviderAsync());
        return silo;
    }

    /// <summary>
    /// Silos of two releases run side by side during a rolling upgrade: a call may go to any silo whose version of
    /// the interface is compatible, and a newer interface version must stay backward compatible.
    /// </summary>
    public static ISiloBuilder UseRouterVersioning(this ISiloBuilder silo) =>
        silo.Configure<GrainVersioningOptions>(options =>
        {
            options.DefaultCompatibilityStrategy = nameof(BackwardCompatible);
            options.DefaultVersionSelectorStrategy = nameof(AllCompatibleVersions);
        });
}
