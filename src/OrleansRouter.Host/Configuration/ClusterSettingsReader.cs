using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Configuration;

/// <summary>How the silo finds its peers and where it stores grains: the providers, Redis, the ports and the ids.</summary>
public static class ClusterSettingsReader
{
    public static ClusterSettings? Read(ConfigValues values)
    {
        var clustering = values.Choice<ClusteringMode>(ConfigKeys.OrleansClustering);
        var storage = values.Choice<StorageMode>(ConfigKeys.OrleansStorage);
        var redis = clustering == ClusteringMode.Redis || storage == StorageMode.Redis ? ReadRedis(values) : (null, false);
        var clusterId = values[ConfigKeys.OrleansClusterId];
        var serviceId = values[ConfigKeys.OrleansServiceId];
        var siloPort = values.WholeNumber(ConfigKeys.SiloPort);
        var gatewayPort = values.WholeNumber(ConfigKeys.GatewayPort);
        var advertised = values.Address(ConfigKeys.SiloAdvertisedAddress);
        var reminder = values.Seconds(ConfigKeys.ChatReminderSeconds);
        if (siloPort is not null && siloPort == gatewayPort)
        {
            values.Report(ConfigKeys.GatewayPort, $"is the same port as {ConfigKeys.SiloPort}", "give the silo and the gateway different ports");
            return null;
        }

        if (clustering == ClusteringMode.Redis && storage == StorageMode.Memory)
        {
            values.Warn(ConfigKeys.OrleansStorage, "is memory while clustering is redis: a silo that stops takes its chats' messages with it",
                "use ORLEANS_STORAGE=redis for a cluster");
        }

        return clustering is null || storage is null || redis.Failed || clusterId is null || serviceId is null || siloPort is null
            || gatewayPort is null || advertised.Failed || reminder is null
            ? null
            : new ClusterSettings(clustering.Value, storage.Value, redis.ConnectionString, clusterId, serviceId, siloPort.Value, gatewayPort.Value,
                advertised.Value, reminder.Value);
    }

    private static (string? ConnectionString, bool Failed) ReadRedis(ConfigValues values)
    {
        var connection = values[ConfigKeys.RedisConnectionString];
        if (connection is null)
        {
            values.Report(ConfigKeys.RedisConnectionString, "is not set, and redis clustering or storage needs it", RedisConnectionString.Example);
            return (null, true);
        }

        var problems = RedisConnectionString.Check(ConfigKeys.RedisConnectionString, connection);
        values.AddRange(problems);
        return problems.Any(p => p.Severity == ProblemSeverity.Error) ? (null, true) : (connection, false);
    }
}
