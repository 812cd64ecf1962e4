namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Every configuration key the router reads, with whether it is a secret and how often it must be rotated.
/// <c>.env.example</c> documents exactly these keys; a test keeps the two in step.
/// </summary>
public static class ConfigKeys
{
    public const string RouterEnv = "ROUTER_ENV";
    public const string TelegramBotToken = "TELEGRAM_BOT_TOKEN";
    public const string TelegramTransportMode = "TELEGRAM_TRANSPORT_MODE";
    public const string TelegramApiBaseUrl = "TELEGRAM_API_BASE_URL";
    public const string TelegramIngress = "TELEGRAM_INGRESS";
    public const string TelegramWebhookUrl = "TELEGRAM_WEBHOOK_URL";
    public const string TelegramWebhookSecret = "TELEGRAM_WEBHOOK_SECRET";
    public const string TelegramSendsPerSecond = "TELEGRAM_SENDS_PER_SECOND";
    public const string TelegramChatSendsPerSecond = "TELEGRAM_CHAT_SENDS_PER_SECOND";
    public const string TelegramGroupSendsPerMinute = "TELEGRAM_GROUP_SENDS_PER_MINUTE";
    public const string RouterActive = "ROUTER_ACTIVE";
    public const string PollerLeaseSeconds = "POLLER_LEASE_SECONDS";
    public const string PersonaMapFile = "PERSONA_MAP_FILE";
    public const string A2ATokenPrefix = "A2A_TOKEN_";
    public const string AllowedChatIds = "ALLOWED_CHAT_IDS";
    public const string IngressRefusalIntervalMinutes = "INGRESS_REFUSAL_INTERVAL_MINUTES";
    public const string IngressQuarantineAfterAttempts = "INGRESS_QUARANTINE_AFTER_ATTEMPTS";
    public const string QueueMaxDepthPerChat = "QUEUE_MAX_DEPTH_PER_CHAT";
    public const string RetryMaxAttempts = "RETRY_MAX_ATTEMPTS";
    public const string RetryBaseDelayMs = "RETRY_BASE_DELAY_MS";
    public const string RetryMaxDelayMs = "RETRY_MAX_DELAY_MS";
    public const string RetryCacheCapacity = "RETRY_CACHE_CAPACITY";
    public const string A2ATimeoutSeconds = "A2A_TIMEOUT_SECONDS";
    public const string ChatIdleExpiry = "CHAT_IDLE_EXPIRY";
    public const string GroupCommands = "GROUP_COMMANDS";
    public const string A2AMaxResponseBytes = "A2A_MAX_RESPONSE_BYTES";
    public const string A2AMaxReplyChars = "A2A_MAX_REPLY_CHARS";
    public const string OrleansClustering = "ORLEANS_CLUSTERING";
    public const string OrleansStorage = "ORLEANS_STORAGE";
    public const string RedisConnectionString = "REDIS_CONNECTION_STRING";
    public const string SiloAdvertisedAddress = "SILO_ADVERTISED_ADDRESS";
    public const string ChatReminderSeconds = "CHAT_REMINDER_SECONDS";
    public const string OrleansClusterId = "ORLEANS_CLUSTER_ID";
    public const string OrleansServiceId = "ORLEANS_SERVICE_ID";
    public const string SiloPort = "SILO_PORT";
    public const string GatewayPort = "GATEWAY_PORT";
    public const string OrleansTls = "ORLEANS_TLS";
    public const string OrleansTlsCertificateFile = "ORLEANS_TLS_CERTIFICATE_FILE";
    public const string OrleansTlsKeyFile = "ORLEANS_TLS_KEY_FILE";
    public const string OrleansTlsCaFile = "ORLEANS_TLS_CA_FILE";
    public const string HttpEndpoint = "HTTP_ENDPOINT";
    public const string HealthProbeSeconds = "HEALTH_PROBE_SECONDS";
    public const string HealthTickSeconds = "HEALTH_TICK_SECONDS";
    public const string LogLevel = "LOG_LEVEL";
    public const string LogFormat = "LOG_FORMAT";
    public const string ShutdownDrainSeconds = "SHUTDOWN_DRAIN_SECONDS";
    public const string BuildSha = "BUILD_SHA";
    public const string ChatIdHashSalt = "CHAT_ID_HASH_SALT";
    public const string LogForward = "LOG_FORWARD";
    public const string LogDrainToken = "LOG_DRAIN_TOKEN";
    public const string ImageDigest = "IMAGE_DIGEST";
    public const string DeployOperatorId = "DEPLOY_OPERATOR_ID";
    public const string DeployApproverId = "DEPLOY_APPROVER_ID";
    public const string SecretVersionPrefix = "SECRET_VERSION_";
    public const string DashboardEndpoint = "DASHBOARD_ENDPOINT";
    public const string MetricsEndpoint = "METRICS_ENDPOINT";
    public const string MetricsEmit = "METRICS_EMIT";
    public const string MetricsEmitSeconds = "METRICS_EMIT_SECONDS";
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string DashboardUsername = "DASHBOARD_USERNAME";
    public const string DashboardPassword = "DASHBOARD_PASSWORD";
    public const string DashboardTlsCertificateFile = "DASHBOARD_TLS_CERTIFICATE_FILE";
    public const string DashboardTlsKeyFile = "DASHBOARD_TLS_KEY_FILE";
    public const string RotatedAtSuffix = "_ROTATED_AT";
    public const int AgentTokenRotationDays = 180;

    /// <summary>
    /// The catalog. A name with <c>*</c> is a family of keys: one token per persona (<c>A2A_TOKEN_*</c>), one
    /// version and one rotation date per secret (<c>SECRET_VERSION_*</c>, <c>*_ROTATED_AT</c>).
    /// </summary>
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new(RouterEnv, PerEnvironment: true),
        new(TelegramBotToken, Secret: true, RotationDays: 90),
        new(TelegramTransportMode),
        new(TelegramApiBaseUrl),
        new(TelegramIngress),
        new(TelegramWebhookUrl),
        new(TelegramWebhookSecret, Secret: true, RotationDays: 90),
        new(TelegramSendsPerSecond),
        new(TelegramChatSendsPerSecond),
        new(TelegramGroupSendsPerMinute),
        new(RouterActive),
        new(PollerLeaseSeconds),
        new(PersonaMapFile),
        new(A2ATokenPrefix + "*", Secret: true, RotationDays: AgentTokenRotationDays),
        new(AllowedChatIds),
        new(IngressRefusalIntervalMinutes),
        new(IngressQuarantineAfterAttempts),
        new(QueueMaxDepthPerChat),
        new(RetryMaxAttempts),
        new(RetryBaseDelayMs),
        new(RetryMaxDelayMs),
        new(RetryCacheCapacity),
        new(A2ATimeoutSeconds),
        new(ChatIdleExpiry),
        new(GroupCommands),
        new(A2AMaxResponseBytes),
        new(A2AMaxReplyChars),
        new(OrleansClustering),
        new(OrleansStorage),
        new(RedisConnectionString, Secret: true),
        new(SiloAdvertisedAddress),
        new(ChatReminderSeconds),
        new(OrleansClusterId, PerEnvironment: true),
        new(OrleansServiceId),
        new(SiloPort),
        new(GatewayPort),
        new(OrleansTls),
        new(OrleansTlsCertificateFile),
        new(OrleansTlsKeyFile),
        new(OrleansTlsCaFile),
        new(HttpEndpoint),
        new(HealthProbeSeconds),
        new(HealthTickSeconds),
        new(LogLevel),
        new(LogFormat),
        new(ShutdownDrainSeconds),
        new(ChatIdHashSalt, Secret: true),
        new(MetricsEndpoint),
        new(MetricsEmit),
        new(MetricsEmitSeconds),
        new(DashboardEndpoint),
        new(DashboardUsername),
        new(DashboardPassword, Secret: true),
        new(DashboardTlsCertificateFile),
        new(DashboardTlsKeyFile),
        new(OtlpEndpoint),
        new(OtlpProtocol),
        new(LogForward),
        new(LogDrainToken, Secret: true, RotationDays: 90),
        new("*" + RotatedAtSuffix),
        new(BuildSha, Audit: true),
        new(ImageDigest, Audit: true),
        new(DeployOperatorId, Audit: true),
        new(DeployApproverId, Audit: true),
        new(SecretVersionPrefix + "*", Audit: true),
    ];

    /// <summary>The secrets that have a rotation policy, among <paramref name="names"/> (the keys that are set).</summary>
    public static IEnumerable<(string Name, int Days)> RotatedSecrets(IEnumerable<string> names) =>
        names.Select(name => (Name: name, Key: Find(name)))
            .Where(n => n.Key is { Secret: true, RotationDays: not null })
            .Select(n => (n.Name, n.Key!.RotationDays!.Value));

    /// <summary>The key a name belongs to: itself, else a suffix family (<c>*_ROTATED_AT</c>), else a prefix family.</summary>
    public static ConfigKey? Find(string name) =>
        All.FirstOrDefault(k => !k.IsFamily && k.Matches(name))
        ?? All.FirstOrDefault(k => k.Name.StartsWith('*') && k.Matches(name))
        ?? All.FirstOrDefault(k => k.Matches(name));
}

/// <param name="RotationDays">How old the secret may get before it must be rotated; null when it has no policy.</param>
/// <param name="Audit">Describes a deployment (build, image, people, secret versions) rather than configuring the router.</param>
/// <param name="PerEnvironment">Names the environment itself, so it differs between any two: <c>--diff-config</c> shows it, never counts it.</param>
public sealed record ConfigKey(string Name, bool Secret = false, int? RotationDays = null, bool Audit = false, bool PerEnvironment = false)
{
    public bool IsFamily => Name.Contains('*', StringComparison.Ordinal);

    public bool Matches(string name)
    {
        if (!IsFamily)
        {
            return name == Name;
        }

        var star = Name.IndexOf('*', StringComparison.Ordinal);
        var (prefix, suffix) = (Name[..star], Name[(star + 1)..]);
        return name.Length > prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal);
    }
}
