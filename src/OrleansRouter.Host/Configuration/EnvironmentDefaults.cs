namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The values a key takes when neither the process environment nor the env file sets it. <c>local</c> runs on
/// embedded parts alone: the stub Bot API, the echo agent, memory storage and localhost clustering; staging and
/// production default to the live Bot API and Redis.
/// </summary>
public static class EnvironmentDefaults
{
    /// <summary>The persona map <c>local</c> uses when <c>PERSONA_MAP_FILE</c> is not set: everything goes to the echo agent.</summary>
    public const string LocalPersonaMap = """
        {
          "default_persona": "echo",
          "personas": {
            "echo": { "agent_url": "builtin:echo", "persona_tag": "echo" }
          }
        }
        """;

    private static readonly Dictionary<string, string> Common = new()
    {
        [ConfigKeys.TelegramApiBaseUrl] = "https://api.telegram.org",
        [ConfigKeys.TelegramIngress] = "polling",
        [ConfigKeys.TelegramSendsPerSecond] = "30",
        [ConfigKeys.TelegramChatSendsPerSecond] = "1",
        [ConfigKeys.TelegramGroupSendsPerMinute] = "20",
        [ConfigKeys.RouterActive] = "true",
        [ConfigKeys.PollerLeaseSeconds] = "20",
        [ConfigKeys.ChatReminderSeconds] = "60",
        [ConfigKeys.IngressRefusalIntervalMinutes] = "60",
        [ConfigKeys.IngressQuarantineAfterAttempts] = "5",
        [ConfigKeys.QueueMaxDepthPerChat] = "100",
        [ConfigKeys.RetryMaxAttempts] = "5",
        [ConfigKeys.RetryBaseDelayMs] = "500",
        [ConfigKeys.RetryMaxDelayMs] = "60000",
        [ConfigKeys.RetryCacheCapacity] = "10000",
        [ConfigKeys.A2ATimeoutSeconds] = "60",
        [ConfigKeys.ChatIdleExpiry] = "30d",
        [ConfigKeys.GroupCommands] = "admins",
        [ConfigKeys.A2AMaxResponseBytes] = "1048576",
        [ConfigKeys.A2AMaxReplyChars] = "16384",
        [ConfigKeys.OrleansClusterId] = "orleans-router",
        [ConfigKeys.OrleansServiceId] = "orleans-router",
        [ConfigKeys.SiloPort] = "11111",
        [ConfigKeys.GatewayPort] = "30000",
        [ConfigKeys.OrleansTls] = "off",
        [ConfigKeys.HttpEndpoint] = "127.0.0.1:8080",
        [ConfigKeys.HealthProbeSeconds] = "15",
        [ConfigKeys.HealthTickSeconds] = "60",
        [ConfigKeys.DashboardEndpoint] = "127.0.0.1:8081",
        [ConfigKeys.MetricsEndpoint] = ":9464",
        [ConfigKeys.MetricsEmit] = "off",
        [ConfigKeys.MetricsEmitSeconds] = "15",
        [ConfigKeys.OtlpProtocol] = "http/protobuf",
        [ConfigKeys.LogLevel] = "Information",
        [ConfigKeys.LogFormat] = "json",
        [ConfigKeys.ShutdownDrainSeconds] = "30",
        [ConfigKeys.BuildSha] = "dev",
    };

    private static readonly Dictionary<string, string> Local = new()
    {
        [ConfigKeys.TelegramTransportMode] = "stub",
        [ConfigKeys.OrleansClustering] = "localhost",
        [ConfigKeys.OrleansStorage] = "memory",
        [ConfigKeys.ChatIdHashSalt] = "local-only-salt",
        [ConfigKeys.MetricsEndpoint] = "127.0.0.1:9464",
    };

    private static readonly Dictionary<string, string> Deployed = new()
    {
        [ConfigKeys.TelegramTransportMode] = "live",
        [ConfigKeys.OrleansClustering] = "redis",
        [ConfigKeys.OrleansStorage] = "redis",
    };

    public static string? For(RouterEnvironment? environment, string key)
    {
        var specific = environment == RouterEnvironment.Local ? Local : Deployed;
        return specific.TryGetValue(key, out var value) ? value : Common.GetValueOrDefault(key);
    }
}
