using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Versions.Compatibility;
using Orleans.Versions.Selector;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Host.Configuration;
using StackExchange.Redis;

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
        return silo.UseRedisClustering(options => options.ConfigurationOptions = Redis(cluster));
    }

    public static ISiloBuilder AddRouterStorage(this ISiloBuilder silo, ClusterSettings cluster)
    {
        silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = cluster.ChatReminderPeriod);
        if (cluster.Storage == StorageMode.Memory)
        {
            return silo
                .AddMemoryGrainStorage(StorageNames.Chats)
                .AddMemoryGrainStorage(StorageNames.Personas)
                .AddMemoryGrainStorage(StorageNames.Cluster)
                .UseInMemoryReminderService();
        }

        return silo
            .AddRedisGrainStorage(StorageNames.Chats, options => options.ConfigurationOptions = Redis(cluster))
            .AddRedisGrainStorage(StorageNames.Personas, options => options.ConfigurationOptions = Redis(cluster))
            .AddRedisGrainStorage(StorageNames.Cluster, options => options.ConfigurationOptions = Redis(cluster))
            .UseRedisReminderService(options => options.ConfigurationOptions = Redis(cluster));
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

    /// <summary>Redis options that keep retrying a server that is down, instead of failing the start.</summary>
    public static ConfigurationOptions Redis(ClusterSettings cluster)
    {
        var options = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        return options;
    }
}
