using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Reads <see cref="RouterSettings"/> from the process environment, the env files and the catalog's defaults, and
/// collects every problem on the way instead of stopping at the first. This is the config guard: the router's start
/// and <c>--check-config</c> both run it. Each section has its reader beside its record; this composes them and holds
/// the rules that span sections.
/// </summary>
public sealed class RouterSettingsReader
{
    /// <summary>The hint of the staging dry-run warning; operators and tests look for these words.</summary>
    public const string StubDryRunHint = "stub mode: a dry run; nothing reaches Telegram (TELEGRAM_TRANSPORT_MODE=live serves the bot)";

    private readonly ConfigLayers _layers;
    private readonly ConfigValues _values;
    private string? _personaMapText;
    private IReadOnlyList<string> _agentTokenKeys = [];
    private IReadOnlyDictionary<string, string> _fileFingerprints = new Dictionary<string, string>();

    private RouterSettingsReader(ConfigLayers layers, List<ConfigProblem> problems, DateTimeOffset now)
    {
        _layers = layers;
        _values = new ConfigValues(layers, problems, now);
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

    /// <summary>Every section, in the order their problems are listed; null when any of them failed.</summary>
    private RouterSettings? Read()
    {
        _layers.Environment = ReadEnvironment();
        var http = _values.Endpoint(ConfigKeys.HttpEndpoint);
        var telegram = TelegramSettingsReader.Read(_values, http);
        (var personas, _personaMapText) = PersonaSettingsReader.Read(_values, http);
        _agentTokenKeys = personas?.TokenKeys ?? [];
        UnknownKeys.Warn(_values, _agentTokenKeys);
        var queue = QueueSettingsReader.Read(_values);
        var ingress = IngressSettingsReader.Read(_values);
        var a2a = A2ASettingsReader.Read(_values);
        var streaming = StreamingSettingsReader.Read(_values, a2a);
        var media = MediaSettingsReader.Read(_values);
        var cluster = ClusterSettingsReader.Read(_values);
        var chats = ChatSettingsReader.Read(_values);
        var logging = LoggingSettingsReader.Read(_values);
        var (dashboard, dashboardFailed) = DashboardSettingsReader.Read(_values, http);
        var (otlp, otlpFailed) = OtlpSettingsReader.Read(_values);
        var metrics = MetricsSettingsReader.Read(_values, http, dashboard);
        var salt = ChatIdHashSaltReader.Read(_values);
        var drain = _values.Seconds(ConfigKeys.ShutdownDrainSeconds);
        var health = HealthSettingsReader.Read(_values);
        RequireDeployedShape(telegram, cluster);
        WarnAboutAnExposedStub(telegram, http);
        var transport = new TransportSecurityRules(_values);
        var (tls, tlsFailed) = transport.ReadSiloTls(cluster);
        transport.CheckTelegram();
        _fileFingerprints = transport.Fingerprints;
        SecretRotation.Check(_values, _agentTokenKeys);

        if (_layers.Environment is not { } environment || http is null || telegram is null || personas is null || queue is null || a2a is null
            || streaming is null || media is null || cluster is null || chats is null || logging is null || dashboardFailed || otlpFailed || metrics is null || salt is null || drain is null
            || health is null || tlsFailed)
        {
            return null;
        }

        return new RouterSettings
        {
            Environment = environment,
            Telegram = telegram,
            Personas = personas.Map,
            ServesEchoAgent = personas.ServesEchoAgent,
            Queue = queue,
            Ingress = ingress,
            A2A = a2a,
            Streaming = streaming,
            Media = media,
            Cluster = cluster with { Tls = tls },
            Chats = chats,
            Http = http,
            Logging = logging,
            Dashboard = dashboard,
            Otlp = otlp,
            Metrics = metrics,
            Audit = DeploymentAuditReader.Read(_values),
            ChatIdHashSalt = salt,
            ShutdownDrain = drain.Value,
            Health = health,
            Secrets = SecretsOf(telegram, salt, logging, dashboard, cluster, personas),
        };
    }

    private RouterEnvironment? ReadEnvironment()
    {
        if (_layers.Explicit(ConfigKeys.RouterEnv) is null)
        {
            _values.Report(ConfigKeys.RouterEnv, "is not set", "set it to local, staging or production (ops/start-silo.sh <env> does)");
            return null;
        }

        return _values.Choice<RouterEnvironment>(ConfigKeys.RouterEnv);
    }

    /// <summary>Every secret value, so the logs can blank them out wherever they appear.</summary>
    private static IReadOnlyList<string> SecretsOf(
        TelegramSettings telegram, string salt, LoggingSettings logging, DashboardSettings? dashboard, ClusterSettings cluster, PersonaSettings personas) =>
    [
        telegram.Token,
        salt,
        .. telegram.WebhookSecret is { } webhookSecret ? [webhookSecret] : Array.Empty<string>(),
        .. logging.Forward?.Token is { } drainToken ? [drainToken] : Array.Empty<string>(),
        .. dashboard?.Credentials?.Password is { } dashboardPassword ? [dashboardPassword] : Array.Empty<string>(),
        .. cluster.RedisConnectionString is { } redis && RedisConnectionString.Password(redis) is { } password ? [password] : Array.Empty<string>(),
        .. personas.Map.All.Select(p => p.Auth.Credential).OfType<string>(),
    ];

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
            _values.Warn(ConfigKeys.TelegramTransportMode,
                "is stub: a dry run of staging on the embedded Bot API; give it a cluster of its own (ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID apart from any live silos')",
                StubDryRunHint);
        }
        else if (telegram?.Mode == TransportMode.Stub)
        {
            _values.Report(ConfigKeys.TelegramTransportMode, $"is stub, which {name} does not allow", "set TELEGRAM_TRANSPORT_MODE=live; dry runs on the stub belong in staging");
        }

        if (cluster?.Storage == StorageMode.Memory)
        {
            _values.Report(ConfigKeys.OrleansStorage, $"is memory, which {name} does not allow: a stopping silo would lose messages", "set ORLEANS_STORAGE=redis");
        }

        if (cluster?.Clustering == ClusteringMode.Localhost)
        {
            _values.Report(ConfigKeys.OrleansClustering, $"is localhost, which {name} does not allow", "set ORLEANS_CLUSTERING=redis");
        }
    }

    /// <summary>The stub Bot API's <c>/stub/chats</c> endpoints take messages from anyone who reaches them, and pass them to the agents.</summary>
    private void WarnAboutAnExposedStub(TelegramSettings? telegram, HttpEndpoint? http)
    {
        if (telegram?.Mode == TransportMode.Stub && http is { IsLoopback: false })
        {
            _values.Warn(ConfigKeys.HttpEndpoint,
                $"is {http}, off loopback, where the stub Bot API takes messages for the agents from anyone who reaches it",
                "bind HTTP_ENDPOINT to 127.0.0.1 for a dry run, or keep the port closed to all but the operators");
        }
    }
}
