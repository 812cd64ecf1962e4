using System.Globalization;
using System.Text.RegularExpressions;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Agents.Echo;
using OrleansRouter.Configuration;
using OrleansRouter.Personas;
using OrleansRouter.Queues;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Telegram.Stub;
using Serilog.Events;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Reads <see cref="RouterSettings"/> from the process environment, the env files and the environment's defaults,
/// and collects every problem on the way instead of stopping at the first. This is the config guard: the
/// router's start and <c>--check-config</c> both run it.
/// </summary>
public sealed partial class RouterSettingsReader
{
    /// <summary>The hint of the staging dry-run warning; operators and tests look for these words.</summary>
    public const string StubDryRunHint = "stub mode: a dry run; nothing reaches Telegram (TELEGRAM_TRANSPORT_MODE=live serves the bot)";

    private readonly ConfigLayers _layers;
    private readonly List<ConfigProblem> _problems;
    private readonly DateTimeOffset _now;
    private string? _personaMapText;
    private IReadOnlyList<string> _agentTokenKeys = [];
    private IReadOnlyDictionary<string, string> _fileFingerprints = new Dictionary<string, string>();

    private RouterSettingsReader(ConfigLayers layers, List<ConfigProblem> problems, DateTimeOffset now)
    {
        _layers = layers;
        _problems = problems;
        _now = now;
    }

    /// <param name="envFiles">Env files in order: a later file wins over an earlier one.</param>
    /// <param name="now">Today, for the secret rotation policy.</param>
    /// <param name="flags">Values the command line implies where the configuration is silent.</param>
    public static ConfigReading Read(
        IReadOnlyList<string> envFiles, IReadOnlyDictionary<string, string> process, DateTimeOffset now, IReadOnlyDictionary<string, string>? flags = null)
    {
        var problems = new List<ConfigProblem>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var directories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in envFiles)
        {
            foreach (var (key, value) in ReadEnvFile(path, problems))
            {
                files[key] = value;
                directories[key] = Path.GetDirectoryName(Path.GetFullPath(path))!;
            }
        }

        var layers = new ConfigLayers(process, files, directories, flags);
        var reader = new RouterSettingsReader(layers, problems, now);
        var settings = reader.Read();
        var manifest = ConfigManifest.From(layers, reader._personaMapText, reader._agentTokenKeys, reader._fileFingerprints);
        var valid = !problems.Any(p => p.Severity == ProblemSeverity.Error);
        return new ConfigReading(valid ? settings! with { ManifestHash = manifest.Hash } : null, problems, manifest);
    }

    /// <summary>Reads with no env file, as of now: for tests and callers that only have the environment.</summary>
    public static (RouterSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Read(string? envFile, IReadOnlyDictionary<string, string> process)
    {
        var reading = Read(envFile is null ? [] : [envFile], process, DateTimeOffset.UtcNow);
        return (reading.Settings, reading.Problems);
    }

    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> ReadEnvFile(string path, List<ConfigProblem> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add(new ConfigProblem("--env-file", $"{path} does not exist", "give the path of an env file, e.g. --env-file .env"));
            return new Dictionary<string, string>();
        }

        var (values, fileProblems) = EnvFile.Parse(File.ReadAllText(path), path);
        problems.AddRange(fileProblems);
        return values;
    }

    private RouterSettings? Read()
    {
        _layers.Environment = ReadEnvironment();
        var http = Endpoint(ConfigKeys.HttpEndpoint);
        var telegram = ReadTelegram(http);
        var (personas, echo) = ReadPersonaMap(http);
        WarnAboutUnknownFileKeys();
        var queue = ReadQueue();
        var ingress = ReadIngress();
        var timeout = Int(ConfigKeys.A2ATimeoutSeconds, 1, 3600);
        var maxResponseBytes = Int(ConfigKeys.A2AMaxResponseBytes, 16 * 1024, 64 * 1024 * 1024);
        var maxReplyChars = Int(ConfigKeys.A2AMaxReplyChars, 1024, 1024 * 1024);
        var cluster = ReadCluster();
        var chats = ReadChats();
        var logging = ReadLogging();
        var (dashboard, dashboardFailed) = ReadDashboard(http);
        var (otlp, otlpFailed) = ReadOtlp();
        var metrics = ReadMetrics(http, dashboard);
        var salt = ReadSalt();
        var drain = Int(ConfigKeys.ShutdownDrainSeconds, 0, 3600);
        var probe = Int(ConfigKeys.HealthProbeSeconds, 1, 3600);
        var tick = Int(ConfigKeys.HealthTickSeconds, 1, 86400);
        RequireDeployedShape(telegram, cluster);
        WarnAboutAnExposedStub(telegram, http);
        var transport = new TransportSecurityRules(_layers, _problems, _now);
        var (tls, tlsFailed) = transport.ReadSiloTls(cluster);
        transport.CheckTelegram();
        _fileFingerprints = transport.Fingerprints;
        CheckRotation();

        if (_layers.Environment is not { } environment || http is null || telegram is null || personas is null || queue is null
            || timeout is null || maxResponseBytes is null || maxReplyChars is null || cluster is null || logging is null || dashboardFailed || otlpFailed || metrics is null || salt is null || drain is null || probe is null || tick is null || chats is null
            || tlsFailed)
        {
            return null;
        }

        return new RouterSettings
        {
            Environment = environment,
            Telegram = telegram,
            Personas = personas,
            ServesEchoAgent = echo,
            Queue = queue,
            Ingress = ingress,
            A2A = new A2AClientOptions
            {
                Timeout = TimeSpan.FromSeconds(timeout.Value),
                MaxResponseBytes = maxResponseBytes.Value,
                MaxReplyChars = maxReplyChars.Value,
            },
            Cluster = cluster with { Tls = tls },
            Chats = chats,
            Http = http,
            Logging = logging,
            Dashboard = dashboard,
            Otlp = otlp,
            Metrics = metrics,
            Audit = ReadAudit(),
            ChatIdHashSalt = salt,
            ShutdownDrain = TimeSpan.FromSeconds(drain.Value),
            HealthProbeInterval = TimeSpan.FromSeconds(probe.Value),
            HealthTickInterval = TimeSpan.FromSeconds(tick.Value),
            Secrets =
            [
                telegram.Token,
                salt,
                .. telegram.WebhookSecret is { } webhookSecret ? [webhookSecret] : Array.Empty<string>(),
                .. logging.Forward?.Token is { } drainToken ? [drainToken] : Array.Empty<string>(),
                .. dashboard?.Credentials?.Password is { } dashboardPassword ? [dashboardPassword] : Array.Empty<string>(),
                .. RedisPassword(cluster.RedisConnectionString) is { } password ? [password] : Array.Empty<string>(),
                .. personas.All.Select(p => p.Auth.Credential).OfType<string>(),
            ],
        };
    }

    private TelegramSettings? ReadTelegram(HttpEndpoint? http)
    {
        var mode = Choice(ConfigKeys.TelegramTransportMode, new Dictionary<string, TransportMode> { ["stub"] = TransportMode.Stub, ["live"] = TransportMode.Live });
        var token = ReadToken(mode);
        var apiBase = HttpUrl(ConfigKeys.TelegramApiBaseUrl);
        var ingress = Choice(ConfigKeys.TelegramIngress, new Dictionary<string, IngressMode> { ["polling"] = IngressMode.Polling, ["webhook"] = IngressMode.Webhook });
        var (webhookUrl, webhookSecret, webhookFailed) = ingress == IngressMode.Webhook ? ReadWebhook(mode) : (null, null, false);
        var active = Boolean(ConfigKeys.RouterActive);
        var lease = Int(ConfigKeys.PollerLeaseSeconds, 5, 300);
        var perSecond = Number(ConfigKeys.TelegramSendsPerSecond, 1, 100_000);
        var perChat = Number(ConfigKeys.TelegramChatSendsPerSecond, 0.01, 1000);
        var perGroup = Number(ConfigKeys.TelegramGroupSendsPerMinute, 1, 100_000);

        if (mode is null || http is null || token is null || apiBase is null || ingress is null || webhookFailed || active is null
            || lease is null || perSecond is null || perChat is null || perGroup is null)
        {
            return null;
        }

        return new TelegramSettings(
            token,
            mode.Value,
            mode == TransportMode.Stub ? http.SelfUrl : apiBase,
            ingress.Value,
            webhookUrl,
            webhookSecret,
            active.Value,
            TimeSpan.FromSeconds(lease.Value),
            new SendPacing(perSecond.Value, perChat.Value, perGroup.Value));
    }

    /// <summary>Webhooks need the live Bot API, a URL Telegram can reach (https outside local) and a secret token.</summary>
    private (Uri? Url, string? Secret, bool Failed) ReadWebhook(TransportMode? mode)
    {
        var failed = false;
        if (mode == TransportMode.Stub)
        {
            Report(ConfigKeys.TelegramIngress, "webhook needs the live transport", "set TELEGRAM_TRANSPORT_MODE=live, or use polling with the stub");
            failed = true;
        }

        var url = HttpUrl(ConfigKeys.TelegramWebhookUrl);
        if (url is not null && url.Scheme != Uri.UriSchemeHttps && _layers.Environment != RouterEnvironment.Local)
        {
            Report(ConfigKeys.TelegramWebhookUrl, "is not an https URL", "Telegram only posts to https webhooks");
            url = null;
        }

        var secret = _layers[ConfigKeys.TelegramWebhookSecret];
        if (secret is null || secret.Length > 256 || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            Report(ConfigKeys.TelegramWebhookSecret, secret is null ? "is not set" : "is not 1 to 256 of A-Z, a-z, 0-9, _ and -",
                "set a random secret, e.g. openssl rand -hex 32; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token");
            secret = null;
        }

        return (url, secret, failed || url is null || secret is null);
    }

    private RouterEnvironment? ReadEnvironment()
    {
        if (_layers.Explicit(ConfigKeys.RouterEnv) is null)
        {
            Report(ConfigKeys.RouterEnv, "is not set", "set it to local, staging or production (ops/start-silo.sh <env> does)");
            return null;
        }

        return Choice(ConfigKeys.RouterEnv, new Dictionary<string, RouterEnvironment>
        {
            ["local"] = RouterEnvironment.Local,
            ["staging"] = RouterEnvironment.Staging,
            ["production"] = RouterEnvironment.Production,
        });
    }

    private string? ReadToken(TransportMode? mode)
    {
        var token = _layers[ConfigKeys.TelegramBotToken];
        if (token is null)
        {
            if (mode == TransportMode.Stub)
            {
                return StubBotApi.DefaultToken;
            }

            Report(ConfigKeys.TelegramBotToken, "is not set", "set the bot token from @BotFather");
            return null;
        }

        if (mode == TransportMode.Live && !BotTokenShape().IsMatch(token))
        {
            Report(ConfigKeys.TelegramBotToken, "does not look like a bot token", "a token is <bot id>:<secret>, as @BotFather gives it");
            return null;
        }

        return token;
    }

    private (PersonaMap? Map, bool UsesEcho) ReadPersonaMap(HttpEndpoint? http)
    {
        var path = _layers[ConfigKeys.PersonaMapFile];
        string json;
        if (path is null)
        {
            if (_layers.Environment != RouterEnvironment.Local)
            {
                Report(ConfigKeys.PersonaMapFile, "is not set", "point it at the persona map JSON file");
                return (null, false);
            }

            json = EnvironmentDefaults.LocalPersonaMap;
        }
        else
        {
            var full = _layers.ResolvePath(ConfigKeys.PersonaMapFile, path);
            if (!File.Exists(full))
            {
                Report(ConfigKeys.PersonaMapFile, $"{full} does not exist", "point it at the persona map JSON file");
                return (null, false);
            }

            json = File.ReadAllText(full);
        }

        _personaMapText = json;

        var echoUrl = http is null || _layers.Environment != RouterEnvironment.Local ? null : new Uri(http.SelfUrl, EchoAgentEndpoints.Path);
        var (map, problems) = new PersonaMapReader(ConfigKeys.PersonaMapFile, key => _layers[key], echoUrl, cleartextOffLoopback: _layers.Environment == RouterEnvironment.Local).Read(json);
        _problems.AddRange(problems);
        _agentTokenKeys = map?.All.Select(p => p.Auth.CredentialKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [];
        return (map, map?.All.Any(p => p.AgentUrl == echoUrl) == true);
    }

    private QueueOptions? ReadQueue()
    {
        var depth = Int(ConfigKeys.QueueMaxDepthPerChat, 1, 100_000);
        var attempts = Int(ConfigKeys.RetryMaxAttempts, 1, 100);
        var baseDelay = Int(ConfigKeys.RetryBaseDelayMs, 1, 3_600_000);
        var maxDelay = Int(ConfigKeys.RetryMaxDelayMs, 1, 86_400_000);
        var capacity = Int(ConfigKeys.RetryCacheCapacity, 1, 10_000_000);
        var allowed = ChatIds(ConfigKeys.AllowedChatIds);
        if (baseDelay > maxDelay)
        {
            Report(ConfigKeys.RetryBaseDelayMs, $"is larger than {ConfigKeys.RetryMaxDelayMs}", "make the first delay no longer than the longest");
            return null;
        }

        if (depth is null || attempts is null || baseDelay is null || maxDelay is null || capacity is null || allowed.Failed)
        {
            return null;
        }

        return new QueueOptions
        {
            MaxDepthPerChat = depth.Value,
            RetryMaxAttempts = attempts.Value,
            RetryBaseDelay = TimeSpan.FromMilliseconds(baseDelay.Value),
            RetryMaxDelay = TimeSpan.FromMilliseconds(maxDelay.Value),
            RetryCacheCapacity = capacity.Value,
            AllowedChatIds = allowed.Ids,
        };
    }

    private ClusterSettings? ReadCluster()
    {
        var clustering = Choice(ConfigKeys.OrleansClustering, new Dictionary<string, ClusteringMode> { ["localhost"] = ClusteringMode.Localhost, ["redis"] = ClusteringMode.Redis });
        var storage = Choice(ConfigKeys.OrleansStorage, new Dictionary<string, StorageMode> { ["memory"] = StorageMode.Memory, ["redis"] = StorageMode.Redis });
        var redis = clustering == ClusteringMode.Redis || storage == StorageMode.Redis ? ReadRedis() : (null, false);
        var clusterId = _layers[ConfigKeys.OrleansClusterId];
        var serviceId = _layers[ConfigKeys.OrleansServiceId];
        var siloPort = Int(ConfigKeys.SiloPort, 1, 65535);
        var gatewayPort = Int(ConfigKeys.GatewayPort, 1, 65535);
        var advertised = Address(ConfigKeys.SiloAdvertisedAddress);
        var reminder = Int(ConfigKeys.ChatReminderSeconds, 10, 3600);
        if (siloPort is not null && siloPort == gatewayPort)
        {
            Report(ConfigKeys.GatewayPort, $"is the same port as {ConfigKeys.SiloPort}", "give the silo and the gateway different ports");
            return null;
        }

        if (clustering == ClusteringMode.Redis && storage == StorageMode.Memory)
        {
            _problems.Add(ConfigProblem.Warning(ConfigKeys.OrleansStorage, "is memory while clustering is redis: a silo that stops takes its chats' messages with it",
                "use ORLEANS_STORAGE=redis for a cluster"));
        }

        return clustering is null || storage is null || redis.Failed || clusterId is null || serviceId is null || siloPort is null
            || gatewayPort is null || advertised.Failed || reminder is null
            ? null
            : new ClusterSettings(clustering.Value, storage.Value, redis.ConnectionString, clusterId, serviceId, siloPort.Value, gatewayPort.Value,
                advertised.Value, TimeSpan.FromSeconds(reminder.Value));
    }

    private (string? ConnectionString, bool Failed) ReadRedis()
    {
        var connection = _layers[ConfigKeys.RedisConnectionString];
        if (connection is null)
        {
            Report(ConfigKeys.RedisConnectionString, "is not set, and redis clustering or storage needs it", RedisConnectionString.Example);
            return (null, true);
        }

        var problems = RedisConnectionString.Check(ConfigKeys.RedisConnectionString, connection);
        _problems.AddRange(problems);
        return problems.Any(p => p.Severity == ProblemSeverity.Error) ? (null, true) : (connection, false);
    }

    private static string? RedisPassword(string? connection) => connection is null ? null : RedisConnectionString.Password(connection);

    private (System.Net.IPAddress? Value, bool Failed) Address(string key)
    {
        var value = _layers[key];
        if (value is null)
        {
            return (null, false);
        }

        if (System.Net.IPAddress.TryParse(value, out var address))
        {
            return (address, false);
        }

        Report(key, $"'{value}' is not an IP address", "give the address other silos reach this one at, e.g. 10.0.0.12");
        return (null, true);
    }

    private bool? Boolean(string key)
    {
        var value = _layers[key];
        switch (value?.ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                return true;
            case "false" or "0" or "no":
                return false;
            default:
                Report(key, value is null ? "is not set" : $"'{value}' is not true or false", "set true or false");
                return null;
        }
    }

    private double? Number(string key, double min, double max)
    {
        var value = _layers[key];
        if (value is not null && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not a number from {min} to {max}", $"set a number from {min} to {max}");
        return null;
    }

    private LoggingSettings? ReadLogging()
    {
        var level = Choice(ConfigKeys.LogLevel, new Dictionary<string, LogEventLevel>
        {
            ["verbose"] = LogEventLevel.Verbose,
            ["trace"] = LogEventLevel.Verbose,
            ["debug"] = LogEventLevel.Debug,
            ["information"] = LogEventLevel.Information,
            ["info"] = LogEventLevel.Information,
            ["warning"] = LogEventLevel.Warning,
            ["warn"] = LogEventLevel.Warning,
            ["error"] = LogEventLevel.Error,
        });
        var format = Choice(ConfigKeys.LogFormat, new Dictionary<string, LogFormat> { ["json"] = LogFormat.Json, ["text"] = LogFormat.Text });
        var (forward, forwardFailed) = ReadLogForward();
        return level is null || format is null || forwardFailed ? null : new LoggingSettings(level.Value, format.Value, forward);
    }

    /// <summary><c>tcp://host:port</c> or <c>udp://host:port</c>; the drain token travels with every line.</summary>
    private (LogForward? Forward, bool Failed) ReadLogForward()
    {
        var value = _layers[ConfigKeys.LogForward];
        if (value is null)
        {
            return (null, false);
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "tcp" or "udp" && !string.IsNullOrEmpty(url.Host) && url.Port > 0
            && url.AbsolutePath is "/" or "")
        {
            return (new LogForward(url.Scheme == "tcp" ? LogTransport.Tcp : LogTransport.Udp, url.Host, url.Port, _layers[ConfigKeys.LogDrainToken]), false);
        }

        Report(ConfigKeys.LogForward, $"'{value}' is not tcp://host:port or udp://host:port", "e.g. tcp://logs.internal:1514");
        return (null, true);
    }

    /// <summary>
    /// The Orleans dashboard, on its own port: loopback by default; off loopback only with a username and a password,
    /// which are then asked of every request. Its live log stream is shown in local only.
    /// </summary>
    private (DashboardSettings? Dashboard, bool Failed) ReadDashboard(HttpEndpoint? http)
    {
        if (string.Equals(_layers[ConfigKeys.DashboardEndpoint], "off", StringComparison.OrdinalIgnoreCase))
        {
            return (null, false);
        }

        var endpoint = Endpoint(ConfigKeys.DashboardEndpoint);
        var username = _layers[ConfigKeys.DashboardUsername];
        var password = _layers[ConfigKeys.DashboardPassword];
        var failed = endpoint is null;
        if ((username is null) != (password is null))
        {
            var missing = username is null ? ConfigKeys.DashboardUsername : ConfigKeys.DashboardPassword;
            Report(missing, "is not set, but its partner is", "set both DASHBOARD_USERNAME and DASHBOARD_PASSWORD, or neither");
            failed = true;
        }
        else if (password is { Length: < 12 })
        {
            Report(ConfigKeys.DashboardPassword, "is shorter than 12 characters", "use a long random password, e.g. openssl rand -base64 24");
            failed = true;
        }

        if (endpoint is { IsLoopback: false } && username is null && password is null)
        {
            Report(ConfigKeys.DashboardEndpoint, $"is {endpoint}, off loopback, without DASHBOARD_USERNAME and DASHBOARD_PASSWORD",
                "set both to require them of every request, or bind it to 127.0.0.1 (or set it to off)");
            failed = true;
        }

        if (endpoint is not null && endpoint.Port == http?.Port)
        {
            Report(ConfigKeys.DashboardEndpoint, $"uses port {endpoint.Port}, as HTTP_ENDPOINT does", "give the dashboard a port of its own, e.g. 127.0.0.1:8081");
            failed = true;
        }

        var (tls, tlsFailed) = ReadDashboardTls(endpoint, password is not null);
        return failed || tlsFailed
            ? (null, true)
            : (new DashboardSettings(endpoint!, username is null ? null : new DashboardCredentials(username, password!), _layers.Environment == RouterEnvironment.Local) { Tls = tls }, false);
    }

    /// <summary>
    /// Prometheus's <c>/metrics</c> on a port of its own (<c>off</c> for none), and the interval of
    /// <c>METRICS_EMIT=stdout</c> (<c>--emit-metrics stdout</c>): metric snapshots as JSON lines on stdout.
    /// </summary>
    private MetricsSettings? ReadMetrics(HttpEndpoint? http, DashboardSettings? dashboard)
    {
        var emit = Choice(ConfigKeys.MetricsEmit, new Dictionary<string, bool> { ["off"] = false, ["stdout"] = true });
        var emitSeconds = Int(ConfigKeys.MetricsEmitSeconds, 1, 3600);
        HttpEndpoint? endpoint = null;
        var endpointFailed = false;
        if (!string.Equals(_layers[ConfigKeys.MetricsEndpoint], "off", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = Endpoint(ConfigKeys.MetricsEndpoint);
            endpointFailed = endpoint is null;
            if (endpoint is not null && (endpoint.Port == http?.Port || endpoint.Port == dashboard?.Endpoint.Port))
            {
                Report(ConfigKeys.MetricsEndpoint, $"uses port {endpoint.Port}, as HTTP_ENDPOINT or DASHBOARD_ENDPOINT does", "give /metrics a port of its own, e.g. :9464");
                endpointFailed = true;
            }
        }

        return endpointFailed || emit is null || emitSeconds is null
            ? null
            : new MetricsSettings(endpoint, emit.Value ? TimeSpan.FromSeconds(emitSeconds.Value) : null);
    }

    /// <summary>OTLP export of traces and metrics, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (<c>--otel</c> sets a default).</summary>
    private (OtlpSettings? Otlp, bool Failed) ReadOtlp()
    {
        if (_layers[ConfigKeys.OtlpEndpoint] is null)
        {
            return (null, false);
        }

        var endpoint = HttpUrl(ConfigKeys.OtlpEndpoint);
        var protocol = Choice(ConfigKeys.OtlpProtocol, new Dictionary<string, OtlpProtocol> { ["http/protobuf"] = OtlpProtocol.HttpProtobuf, ["grpc"] = OtlpProtocol.Grpc });
        return endpoint is null || protocol is null ? (null, true) : (new OtlpSettings(endpoint, protocol.Value), false);
    }

    private string? ReadSalt()
    {
        var salt = _layers[ConfigKeys.ChatIdHashSalt];
        if (salt is null)
        {
            Report(ConfigKeys.ChatIdHashSalt, "is not set", "set a random secret of 16 or more characters, e.g. openssl rand -hex 16");
            return null;
        }

        if (salt.Length < 16 && _layers.Environment != RouterEnvironment.Local)
        {
            Report(ConfigKeys.ChatIdHashSalt, "is shorter than 16 characters", "use a longer random secret, e.g. openssl rand -hex 16");
            return null;
        }

        return salt;
    }

    /// <summary>
    /// Staging and production run as a real cluster: Redis for both storage and clustering. Production runs on real
    /// Telegram; staging may run on the stub for a dry run (a warning), with the rest of its shape unchanged, so that
    /// the dry run checks what the deployment will meet. <c>local</c> may use the embedded stand-ins.
    /// </summary>
    private void RequireDeployedShape(TelegramSettings? telegram, ClusterSettings? cluster)
    {
        if (_layers.Environment is not (RouterEnvironment.Staging or RouterEnvironment.Production))
        {
            return;
        }

        var name = _layers.Environment.Value.ToString().ToLowerInvariant();
        if (telegram?.Mode == TransportMode.Stub && _layers.Environment == RouterEnvironment.Staging)
        {
            // A stub silo in a live cluster would take the poller lease and host live chats, whose replies would then go to its stub.
            _problems.Add(ConfigProblem.Warning(ConfigKeys.TelegramTransportMode,
                "is stub: a dry run of staging on the embedded Bot API; give it a cluster of its own (ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID apart from any live silos')",
                StubDryRunHint));
        }
        else if (telegram?.Mode == TransportMode.Stub)
        {
            Report(ConfigKeys.TelegramTransportMode, $"is stub, which {name} does not allow", "set TELEGRAM_TRANSPORT_MODE=live; dry runs on the stub belong in staging");
        }

        if (cluster?.Storage == StorageMode.Memory)
        {
            Report(ConfigKeys.OrleansStorage, $"is memory, which {name} does not allow: a stopping silo would lose messages", "set ORLEANS_STORAGE=redis");
        }

        if (cluster?.Clustering == ClusteringMode.Localhost)
        {
            Report(ConfigKeys.OrleansClustering, $"is localhost, which {name} does not allow", "set ORLEANS_CLUSTERING=redis");
        }
    }

    /// <summary>The stub Bot API's <c>/stub/chats</c> endpoints take messages from anyone who reaches them, and pass them to the agents.</summary>
    private void WarnAboutAnExposedStub(TelegramSettings? telegram, HttpEndpoint? http)
    {
        if (telegram?.Mode == TransportMode.Stub && http is { IsLoopback: false })
        {
            _problems.Add(ConfigProblem.Warning(ConfigKeys.HttpEndpoint,
                $"is {http}, off loopback, where the stub Bot API takes messages for the agents from anyone who reaches it",
                "bind HTTP_ENDPOINT to 127.0.0.1 for a dry run, or keep the port closed to all but the operators"));
        }
    }

    /// <summary>
    /// Every secret with a rotation policy carries its last rotation as <c>&lt;SECRET&gt;_ROTATED_AT</c> (an ISO date):
    /// Telegram secrets and the log drain token every 90 days, agent tokens every 180. An error in staging and
    /// production, a warning in local. An agent token is whatever its persona's <c>token_env</c> names.
    /// </summary>
    private void CheckRotation()
    {
        var strict = _layers.Environment is RouterEnvironment.Staging or RouterEnvironment.Production;
        var agentTokens = _agentTokenKeys.Select(name => (Name: name, Days: ConfigKeys.AgentTokenRotationDays));
        var secrets = ConfigKeys.RotatedSecrets(_layers.ExplicitNames).Concat(agentTokens).DistinctBy(s => s.Name).OrderBy(s => s.Name, StringComparer.Ordinal);
        foreach (var (secret, days) in secrets)
        {
            var key = secret + ConfigKeys.RotatedAtSuffix;
            var value = _layers.Explicit(key);
            string? problem = null;
            if (value is null)
            {
                problem = $"is not set, so the {days}-day rotation of {secret} cannot be checked";
            }
            else if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rotated))
            {
                problem = $"'{value}' is not an ISO date";
            }
            else if (rotated > _now + TimeSpan.FromDays(1))
            {
                problem = $"{value} is in the future";
            }
            else if ((_now - rotated).TotalDays > days)
            {
                problem = $"says {secret} was rotated {(int)(_now - rotated).TotalDays} days ago; the policy is {days} days";
            }

            if (problem is not null)
            {
                var hint = $"rotate {secret} and set {key} to the day it was done, e.g. {_now:yyyy-MM-dd}";
                _problems.Add(strict ? new ConfigProblem(key, problem, hint) : ConfigProblem.Warning(key, problem, hint));
            }
        }
    }

    private DeploymentAudit ReadAudit() => new(
        _layers[ConfigKeys.BuildSha] ?? "dev",
        _layers[ConfigKeys.ImageDigest],
        _layers[ConfigKeys.DeployOperatorId],
        _layers[ConfigKeys.DeployApproverId],
        _layers.ExplicitNames
            .Where(name => name.StartsWith(ConfigKeys.SecretVersionPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToDictionary(name => name[ConfigKeys.SecretVersionPrefix.Length..], name => _layers[name]!));

    private T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        var value = _layers[key];
        if (value is null)
        {
            Report(key, "is not set", $"set it to one of: {string.Join(", ", choices.Keys)}");
            return null;
        }

        if (choices.TryGetValue(value.ToLowerInvariant(), out var choice))
        {
            return choice;
        }

        Report(key, $"'{value}' is not one of: {string.Join(", ", choices.Keys)}", "choose one of the listed values");
        return null;
    }

    private int? Int(string key, int min, int max)
    {
        var value = _layers[key];
        if (value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not a whole number from {min} to {max}", $"set a number from {min} to {max}");
        return null;
    }

    private Uri? HttpUrl(string key)
    {
        var value = _layers[key];
        if (value is not null && Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not an http(s) URL", "e.g. https://api.telegram.org");
        return null;
    }

    private HttpEndpoint? Endpoint(string key)
    {
        var value = _layers[key];
        if (value is not null && HttpEndpoint.TryParse(value, out var endpoint))
        {
            return endpoint;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not host:port", "e.g. 127.0.0.1:8080, or :8080 for every interface");
        return null;
    }

    private (IReadOnlySet<long>? Ids, bool Failed) ChatIds(string key)
    {
        var value = _layers[key];
        if (value is null)
        {
            return (null, false);
        }

        var ids = new HashSet<long>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) || id == 0)
            {
                Report(key, $"'{part}' is not a chat id", "list numeric chat ids separated by commas, e.g. 12345,-1001234567890");
                return (null, true);
            }

            ids.Add(id);
        }

        return (ids, false);
    }

    private void WarnAboutUnknownFileKeys()
    {
        foreach (var key in _layers.FileKeys.Where(k => ConfigKeys.Find(k) is null && !_agentTokenKeys.Contains(k)))
        {
            var closest = ConfigKeys.All.Where(k => !k.IsFamily).MinBy(k => Distance(k.Name, key));
            var hint = closest is not null && Distance(closest.Name, key) <= 3 ? $"did you mean {closest.Name}?" : "remove it, or check .env.example for the key names";
            _problems.Add(ConfigProblem.Warning(key, "is not a key the router reads", hint));
        }
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private void Report(string key, string problem, string hint) => _problems.Add(new ConfigProblem(key, problem, hint));

    /// <summary>What Telegram.Bot itself accepts: a numeric bot id, a colon, a secret.</summary>
    [GeneratedRegex(@"^\d{1,16}:[A-Za-z0-9_-]+$")]
    private static partial Regex BotTokenShape();
}
