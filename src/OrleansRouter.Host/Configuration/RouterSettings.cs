using System.Net;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Personas;
using OrleansRouter.Queues;
using OrleansRouter.Telegram.Sending;
using Serilog.Events;

namespace OrleansRouter.Host.Configuration;

/// <summary>The whole configuration of one silo, read and checked once at start.</summary>
public sealed record RouterSettings
{
    public required RouterEnvironment Environment { get; init; }

    public required TelegramSettings Telegram { get; init; }

    public required PersonaMap Personas { get; init; }

    /// <summary>Whether a persona uses the built-in echo agent, which is then served on the HTTP endpoint.</summary>
    public required bool ServesEchoAgent { get; init; }

    public required QueueOptions Queue { get; init; }

    /// <summary>The quarantine of unstorable updates and the strangers' refusals.</summary>
    public Ingress.IngressOptions Ingress { get; init; } = new();

    public required A2AClientOptions A2A { get; init; }

    public required ClusterSettings Cluster { get; init; }

    public ChatSettings Chats { get; init; } = ChatSettings.Default;

    public required HttpEndpoint Http { get; init; }

    public required LoggingSettings Logging { get; init; }

    public required MetricsSettings Metrics { get; init; }

    /// <summary>Where traces and metrics go over OTLP; null when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is not set.</summary>
    public required OtlpSettings? Otlp { get; init; }

    /// <summary>The Orleans dashboard; null when <c>DASHBOARD_ENDPOINT=off</c>.</summary>
    public required DashboardSettings? Dashboard { get; init; }

    public required DeploymentAudit Audit { get; init; }

    /// <summary>The SHA-256 of the configuration, secrets by version only: see <see cref="ConfigManifest"/>.</summary>
    public string ManifestHash { get; init; } = "";

    public required string ChatIdHashSalt { get; init; }

    public required TimeSpan ShutdownDrain { get; init; }

    public required TimeSpan HealthProbeInterval { get; init; }

    /// <summary>How often the <c>health.tick</c> event reports every part's state.</summary>
    public required TimeSpan HealthTickInterval { get; init; }

    /// <summary>Every secret value in the configuration, so the logs can blank them out wherever they appear.</summary>
    public required IReadOnlyList<string> Secrets { get; init; }
}

public enum RouterEnvironment
{
    Local,
    Staging,
    Production,
}

public enum TransportMode
{
    /// <summary>The embedded Bot API look-alike on the router's own HTTP endpoint.</summary>
    Stub,

    /// <summary>A real Bot API server at <c>TELEGRAM_API_BASE_URL</c>.</summary>
    Live,
}

public enum IngressMode
{
    /// <summary>getUpdates long polling, by the one silo that holds the poller lease.</summary>
    Polling,

    /// <summary>Telegram posts updates to every silo's webhook endpoint.</summary>
    Webhook,
}

public enum ClusteringMode
{
    /// <summary>One silo, development clustering on loopback.</summary>
    Localhost,

    /// <summary>Any number of silos on any machines, finding each other through Redis.</summary>
    Redis,
}

public enum StorageMode
{
    Memory,
    Redis,
}

/// <param name="WebhookUrl">The public URL Telegram posts to, in webhook mode; its path is served on <c>HTTP_ENDPOINT</c>.</param>
/// <param name="Active">False for a standby silo: it hosts grains but never polls Telegram.</param>
public sealed record TelegramSettings(
    string Token,
    TransportMode Mode,
    Uri ApiBaseUrl,
    IngressMode Ingress,
    Uri? WebhookUrl,
    string? WebhookSecret,
    bool Active,
    TimeSpan PollerLease,
    SendPacing Pacing);

/// <param name="AdvertisedAddress">The address other silos reach this one at; null lets Orleans pick this machine's.</param>
/// <param name="ChatReminderPeriod">How often a chat with pending work is woken by its reminder after its silo is gone.</param>
/// <param name="Tls">Mutual TLS on the silo and gateway ports, for the silo and its clients alike; null when <c>ORLEANS_TLS=off</c>.</param>
public sealed record ClusterSettings(
    ClusteringMode Clustering,
    StorageMode Storage,
    string? RedisConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    System.Net.IPAddress? AdvertisedAddress,
    TimeSpan ChatReminderPeriod,
    SiloTlsSettings? Tls = null)
{
    /// <summary>
    /// Whether the silo and gateway ports listen beyond this machine: localhost clustering binds loopback, and so does
    /// a loopback advertised address; any other advertised address listens on every interface, and none at all on
    /// the address Orleans picks for this machine.
    /// </summary>
    public bool ListensOffLoopback => Clustering != ClusteringMode.Localhost && (AdvertisedAddress is null || !IPAddress.IsLoopback(AdvertisedAddress));
}

/// <param name="Forward">Where the log lines go besides stdout, if anywhere.</param>
/// <param name="Prometheus">Where <c>/metrics</c> is served; null when <c>METRICS_ENDPOINT=off</c>.</param>
/// <param name="EmitInterval">How often <c>--emit-metrics stdout</c> prints a snapshot; null without it.</param>
public sealed record MetricsSettings(HttpEndpoint? Prometheus, TimeSpan? EmitInterval);

/// <param name="Endpoint">The collector's base URL; each signal goes to its path under it (<c>/v1/traces</c>) over http/protobuf.</param>
public sealed record OtlpSettings(Uri Endpoint, OtlpProtocol Protocol);

public enum OtlpProtocol
{
    HttpProtobuf,
    Grpc,
}

/// <param name="Credentials">Basic authentication for every dashboard request; required off loopback.</param>
/// <param name="ShowsTrace">Whether the dashboard streams the live log (never in production).</param>
public sealed record DashboardSettings(HttpEndpoint Endpoint, DashboardCredentials? Credentials, bool ShowsTrace)
{
    /// <summary>HTTPS on the dashboard's port; null for plain HTTP (loopback, or local).</summary>
    public DashboardTls? Tls { get; init; }
}

public sealed record DashboardCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username}:********";
}

public sealed record LoggingSettings(LogEventLevel Level, LogFormat Format, LogForward? Forward = null);

/// <param name="Token">LOG_DRAIN_TOKEN: sent ahead of every line, so the drain knows who writes.</param>
public sealed record LogForward(LogTransport Transport, string Host, int Port, string? Token)
{
    public override string ToString() => $"{Transport.ToString().ToLowerInvariant()}://{Host}:{Port}";
}

public enum LogTransport
{
    Tcp,
    Udp,
}

/// <summary>What the <c>deploy.audit</c> event records about a deployment.</summary>
/// <param name="SecretVersions">From <c>SECRET_VERSION_*</c>: the vault version of each secret, by secret name.</param>
public sealed record DeploymentAudit(
    string BuildSha,
    string? ImageDigest,
    string? OperatorId,
    string? ApproverId,
    IReadOnlyDictionary<string, string> SecretVersions);

public enum LogFormat
{
    Json,
    Text,
}

/// <summary>Where a listener binds: <c>host:port</c>, or <c>:port</c> for every interface.</summary>
public sealed record HttpEndpoint(IPAddress Address, int Port)
{
    /// <summary>The URL this process uses to reach its own listener.</summary>
    public Uri SelfUrl => new($"http://{(Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : Format(Address))}:{Port}");

    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public override string ToString() => $"{Format(Address)}:{Port}";

    public static bool TryParse(string text, out HttpEndpoint? endpoint)
    {
        endpoint = null;
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        var address = host switch
        {
            "" or "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (address is null)
        {
            return false;
        }

        endpoint = new HttpEndpoint(address, port);
        return true;
    }

    private static string Format(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
