using OrleansRouter.Agents.A2A;
using OrleansRouter.Chats;
using OrleansRouter.Personas;
using OrleansRouter.Queues;

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

    /// <summary>Whether agents that can stream do, and how a growing answer is shown.</summary>
    public StreamingOptions Streaming { get; init; } = new();

    /// <summary>How users' files are taken: their size limit, download timeout, and how long an album gathers.</summary>
    public Media.MediaOptions Media { get; init; } = new();

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

    public required HealthSettings Health { get; init; }

    /// <summary>Every secret value in the configuration, so the logs can blank them out wherever they appear.</summary>
    public required IReadOnlyList<string> Secrets { get; init; }
}

public enum RouterEnvironment
{
    Local,
    Staging,
    Production,
}
