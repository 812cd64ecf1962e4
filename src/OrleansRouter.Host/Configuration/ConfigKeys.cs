namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Every configuration key the router reads, and in <see cref="All"/> the one place its metadata lives: doc, defaults
/// per environment, range or choices, secret and rotation. <c>.env.example</c> documents exactly these keys, with the
/// same doc and defaults; a test keeps the two in step.
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
    public const string A2AStreaming = "A2A_STREAMING";
    public const string StreamPreviewIntervalMs = "STREAM_PREVIEW_INTERVAL_MS";
    public const string StreamGroupPreviewIntervalMs = "STREAM_GROUP_PREVIEW_INTERVAL_MS";
    public const string A2APushUrl = "A2A_PUSH_URL";
    public const string MediaMaxBytes = "MEDIA_MAX_BYTES";
    public const string MediaDownloadTimeoutSeconds = "MEDIA_DOWNLOAD_TIMEOUT_SECONDS";
    public const string AlbumWaitMs = "ALBUM_WAIT_MS";
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
    /// The catalog: each key with its one-line doc (the first words of its block in <c>.env.example</c>), its
    /// defaults, the values it takes, and whether it is a secret. A name with <c>*</c> is a family of keys: one token
    /// per persona (<c>A2A_TOKEN_*</c>), one version and one rotation date per secret (<c>SECRET_VERSION_*</c>,
    /// <c>*_ROTATED_AT</c>). A key with no default here either is optional or has its default worked out by its reader.
    /// </summary>
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new(RouterEnv, "Which environment this silo runs in: local, staging or production.")
            { Choices = ["local", "staging", "production"], PerEnvironment = true },
        new(TelegramBotToken, "The bot's token from @BotFather (<bot id>:<secret>).") { Secret = true, RotationDays = 90 },
        new(TelegramTransportMode, "stub: an embedded Bot API look-alike on HTTP_ENDPOINT, for offline runs.")
            { LocalDefault = "stub", DeployedDefault = "live", Choices = ["stub", "live"] },
        new(TelegramApiBaseUrl, "The Bot API server for the live transport: the public one, a self-hosted telegram-bot-api, or an emulator.")
            { Default = "https://api.telegram.org" },
        new(TelegramIngress, "How updates arrive.") { Default = "polling", Choices = ["polling", "webhook"] },
        new(TelegramWebhookUrl, "Webhook mode: the public URL Telegram posts updates to (https outside local)."),
        new(TelegramWebhookSecret, "Webhook mode: the secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token;")
            { Secret = true, RotationDays = 90 },
        new(TelegramSendsPerSecond, "Messages the bot sends per second in all, shared by the whole cluster (Telegram's limit is about 30).")
            { Default = "30", Range = new(1, 100_000) },
        new(TelegramChatSendsPerSecond, "Messages per second into one private chat, with a burst of three (Telegram's limit is about 1).")
            { Default = "1", Range = new(0.01, 1000) },
        new(TelegramGroupSendsPerMinute, "Messages per minute into one group (Telegram's limit is 20).") { Default = "20", Range = new(1, 100_000) },
        new(RouterActive, "false makes a standby silo: it joins the cluster and hosts chats, but never polls Telegram,") { Default = "true" },
        new(PollerLeaseSeconds, "How long the poller lease lasts unless renewed (every quarter of it).") { Default = "20", Range = new(5, 300) },
        new(PersonaMapFile, "The persona map JSON (schema in docs/configuration.md)."),
        new(A2ATokenPrefix + "*", "A persona's agent credential, named by the persona map's auth.token_env (e.g. A2A_TOKEN_ASSISTANT).")
            { Secret = true, RotationDays = AgentTokenRotationDays },
        new(AllowedChatIds, "Comma-separated chat ids the bot answers."),
        new(IngressRefusalIntervalMinutes, "A chat outside ALLOWED_CHAT_IDS gets the refusal at most once in this many minutes (1 to 10080), per silo;")
            { Default = "60", Range = new(1, 10_080) },
        new(IngressQuarantineAfterAttempts, "How many times (1 to 100) an update its chat fails to store is tried,")
            { Default = "5", Range = new(1, 100) },
        new(QueueMaxDepthPerChat, "Messages a chat may have waiting.") { Default = "100", Range = new(1, 100_000) },
        new(RetryMaxAttempts, "Attempts for one agent call or one Telegram send before the message goes to the chat's dead letters.")
            { Default = "5", Range = new(1, 100) },
        new(RetryBaseDelayMs, "The first wait before a retry; each further attempt doubles it, with jitter.")
            { Default = "500", Range = new(1, 3_600_000) },
        new(RetryMaxDelayMs, "The longest wait between two attempts.") { Default = "60000", Range = new(1, 86_400_000) },
        new(RetryCacheCapacity, "How many chats of one silo may wait for a retry at once;") { Default = "10000", Range = new(1, 10_000_000) },
        new(A2ATimeoutSeconds, "How long one agent call may take in all: card lookup, the call, and polling a task still in progress.")
            { Default = "60", Range = new(1, 3600) },
        new(ChatIdleExpiry, "How long a chat's stored state (conversation, dedupe window, dead letters) is kept after its last write:")
            { Default = "30d" },
        new(GroupCommands, "Who may use /reset and /persona in groups and supergroups:") { Default = "admins", Choices = ["admins", "everyone"] },
        new(A2AMaxResponseBytes, "The most of one agent response body (card, answer, task poll) the router reads, 16384 to 67108864.")
            { Default = "1048576", Range = new(16_384, 67_108_864) },
        new(A2AMaxReplyChars, "The longest agent reply shown to the user, 1024 to 1048576, notice included;")
            { Default = "16384", Range = new(1024, 1_048_576) },
        new(A2AStreaming, "on: an agent whose card says capabilities.streaming streams its answers, shown as they grow;")
            { Default = "on", Choices = ["on", "off"] },
        new(StreamPreviewIntervalMs, "The least time between two updates of a private chat's draft while an answer streams.")
            { Default = "1000", Range = new(250, 60_000) },
        new(StreamGroupPreviewIntervalMs, "The least time between two edits of a group's placeholder while an answer streams.")
            { Default = "3000", Range = new(1000, 60_000) },
        new(A2APushUrl, "The router's public URL for A2A push notifications (https outside local), e.g. https://router.example/a2a/push;"),
        new(MediaMaxBytes, "The largest file a user sends that is forwarded to the agent, 1024 to 20971520 (Telegram lets a bot download 20 MB);")
            { Default = "20971520", Range = new(1024, 20_971_520) },
        new(MediaDownloadTimeoutSeconds, "How long fetching one file from Telegram may take before the attempt fails and is tried again.")
            { Default = "60", Range = new(1, 600) },
        new(AlbumWaitMs, "How long an album waits after its latest photo or video arrived before it goes to the agent as one message.")
            { Default = "1000", Range = new(0, 10_000) },
        new(OrleansClustering, "How silos find each other: localhost (one silo, development clustering) or redis (any number of silos).")
            { LocalDefault = "localhost", DeployedDefault = "redis", Choices = ["localhost", "redis"] },
        new(OrleansStorage, "Where grain state and reminders live: memory (lost when the silo stops) or redis (survives crashes and restarts).")
            { LocalDefault = "memory", DeployedDefault = "redis", Choices = ["memory", "redis"] },
        new(RedisConnectionString, "Redis for redis clustering, grain state and reminders, as StackExchange.Redis reads it.") { Secret = true },
        new(SiloAdvertisedAddress, "The IP address other silos reach this one at."),
        new(ChatReminderSeconds, "How often a chat with unanswered messages is woken by its reminder, so that it goes on after its silo died.")
            { Default = "60", Range = new(10, 3600) },
        new(OrleansClusterId, "The cluster's name; silos with the same cluster and service id form one cluster.")
            { Default = "orleans-router", PerEnvironment = true },
        new(OrleansServiceId, "The service's name; it stays the same across deployments, as grain state is stored under it.")
            { Default = "orleans-router" },
        new(SiloPort, "The port silos talk to each other on.") { Default = "11111", Range = new(1, 65535) },
        new(GatewayPort, "The port Orleans clients connect to.") { Default = "30000", Range = new(1, 65535) },
        new(OrleansTls, "off or mutual: TLS with a certificate on both ends for every silo-to-silo and client-to-gateway connection")
            { Default = "off" },
        new(OrleansTlsCertificateFile, "With ORLEANS_TLS=mutual: this silo's (or client's) certificate in PEM,"),
        new(OrleansTlsKeyFile, "With ORLEANS_TLS=mutual: the certificate's private key in PEM (unencrypted PKCS#8 or RSA/EC), readable by the router alone."),
        new(OrleansTlsCaFile, "With ORLEANS_TLS=mutual: the certificate(s) of the CA that signs every silo's and client's certificate, in PEM."),
        new(HttpEndpoint, "Where /healthz, /livez (and in stub mode the stub Bot API and the echo agent) are served:") { Default = "127.0.0.1:8080" },
        new(HealthProbeSeconds, "How often Telegram (getMe) and each agent (its card) are probed once the router is ready;")
            { Default = "15", Range = new(1, 3600) },
        new(HealthTickSeconds, "How often the health.tick event logs every part's state (status ready, degraded, starting or draining).")
            { Default = "60", Range = new(1, 86400) },
        new(LogLevel, "Verbose, Debug, Information, Warning or Error.")
            { Default = "Information", Choices = ["verbose", "trace", "debug", "information", "info", "warning", "warn", "error"] },
        new(LogFormat, "json (one object per line, for collectors) or text (for people).") { Default = "json", Choices = ["json", "text"] },
        new(ShutdownDrainSeconds, "How long a stopping silo may take to finish; it exits within this plus 5 seconds.")
            { Default = "30", Range = new(0, 3600) },
        new(ChatIdHashSalt, "The key of the chat_id_hash that logs carry instead of chat ids.") { LocalDefault = "local-only-salt", Secret = true },
        new(MetricsEndpoint, "Prometheus's /metrics on a port of its own (host:port, :port for every interface, or off):")
            { Default = ":9464", LocalDefault = "127.0.0.1:9464" },
        new(MetricsEmit, "stdout: also print every metric as JSON lines (\"event\": \"metrics.snapshot\") on stdout (--emit-metrics stdout); off.")
            { Default = "off", Choices = ["off", "stdout"] },
        new(MetricsEmitSeconds, "How often METRICS_EMIT=stdout prints a snapshot.") { Default = "15", Range = new(1, 3600) },
        new(DashboardEndpoint, "The Orleans dashboard (cluster, grains, reminders, a grain's state) on a port of its own,")
            { Default = "127.0.0.1:8081" },
        new(DashboardUsername, "With DASHBOARD_PASSWORD: HTTP basic authentication for every dashboard request."),
        new(DashboardPassword, "At least 12 characters.") { Secret = true },
        new(DashboardTlsCertificateFile, "With DASHBOARD_TLS_KEY_FILE: the dashboard port serves HTTPS with this PEM certificate (chain)."),
        new(DashboardTlsKeyFile, "The PEM private key of DASHBOARD_TLS_CERTIFICATE_FILE (the file is secret: mode 600; its path is not)."),
        new(OtlpEndpoint, "Export traces and metrics over OTLP to this collector"),
        new(OtlpProtocol, "http/protobuf or grpc (the endpoint is then used as it is).")
            { Default = "http/protobuf", Choices = ["http/protobuf", "grpc"] },
        new(LogForward, "Also send every JSON log line to a log drain: tcp://host:port or udp://host:port (ops/start-silo.sh --log-forward)."),
        new(LogDrainToken, "Sent before each forwarded line (\"<token> <json>\"), for drains that authenticate their senders.")
            { Secret = true, RotationDays = 90 },
        new("*" + RotatedAtSuffix, "The day a secret was last rotated, as an ISO date (2026-11-01), e.g. TELEGRAM_BOT_TOKEN_ROTATED_AT."),
        new(BuildSha, "The commit the build came from; every log line carries it as build_sha.") { Default = "dev", Audit = true },
        new(ImageDigest, "The digest of the image or build deployed (ops/start-silo.sh --digest).") { Audit = true },
        new(DeployOperatorId, "Who ran the deployment.") { Audit = true },
        new(DeployApproverId, "Who approved it.") { Audit = true },
        new(SecretVersionPrefix + "*", "The version of a secret in your secret store, e.g. SECRET_VERSION_TELEGRAM_BOT_TOKEN=7.") { Audit = true },
    ];

    private static readonly Dictionary<string, ConfigKey> Single = All.Where(k => !k.IsFamily).ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The catalog's entry for a single key the code reads by name.</summary>
    public static ConfigKey Get(string name) => Single[name];

    /// <summary>The value a key takes in <paramref name="environment"/> when nothing sets it; null outside the catalog.</summary>
    public static string? DefaultFor(RouterEnvironment? environment, string name) => Single.GetValueOrDefault(name)?.DefaultIn(environment);

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

/// <summary>One key of the catalog: everything about it but the code that reads it.</summary>
/// <param name="Doc">What the key does, in one line: the first words of its block in <c>.env.example</c>.</param>
public sealed record ConfigKey(string Name, string Doc)
{
    /// <summary>The value in every environment unless <see cref="LocalDefault"/> or <see cref="DeployedDefault"/> says otherwise.</summary>
    public string? Default { get; init; }

    public string? LocalDefault { get; init; }

    /// <summary>The value in staging and production (and before the environment is known).</summary>
    public string? DeployedDefault { get; init; }

    /// <summary>The smallest and largest number the key takes; null for a key that is not a number.</summary>
    public ConfigRange? Range { get; init; }

    /// <summary>The words the key takes, in lower case, in the order problems list them; null for a free value.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    public bool Secret { get; init; }

    /// <summary>How old the secret may get before it must be rotated; null when it has no policy.</summary>
    public int? RotationDays { get; init; }

    /// <summary>Describes a deployment (build, image, people, secret versions) rather than configuring the router.</summary>
    public bool Audit { get; init; }

    /// <summary>Names the environment itself, so it differs between any two: <c>--diff-config</c> shows it, never counts it.</summary>
    public bool PerEnvironment { get; init; }

    public bool IsFamily => Name.Contains('*', StringComparison.Ordinal);

    public string? DefaultIn(RouterEnvironment? environment) =>
        (environment == RouterEnvironment.Local ? LocalDefault : DeployedDefault) ?? Default;

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

/// <summary>The numbers a key takes, both ends included.</summary>
public sealed record ConfigRange(double Min, double Max);
