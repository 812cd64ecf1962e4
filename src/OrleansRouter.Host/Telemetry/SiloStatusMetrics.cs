using System.Diagnostics.Metrics;
using System.Reflection;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Health;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// What this silo runs and whether it takes traffic, on the router's meter beside <see cref="RouterMetrics"/>:
/// <c>router_build_info</c>, always 1, labelled with the build, the configuration and the version, so that a change
/// of its labels marks a deployment (the rollouts dashboard annotates them; a restart that comes with one does not
/// page); and <c>router_ready</c>, 1 exactly while <c>/healthz</c> answers 200, read from the same
/// <see cref="RouterHealth.IsReady"/>.
/// </summary>
public sealed class SiloStatusMetrics : IDisposable
{
    private readonly Meter _meter = new(RouterMetrics.MeterName);

    public SiloStatusMetrics(BuildInfo build, RouterHealth health)
    {
        KeyValuePair<string, object?>[] labels =
        [
            new("build_sha", build.BuildSha),
            new("config_manifest_hash", build.ConfigManifestHash),
            new("version", build.Version),
        ];
        _meter.CreateObservableGauge("router_build_info", () => new Measurement<int>(1, labels), unit: null,
            "Always 1; its labels say which build (build_sha, version) runs with which configuration (config_manifest_hash)");
        _meter.CreateObservableGauge("router_ready", () => health.IsReady ? 1 : 0, unit: null,
            "1 while /healthz answers 200 (started, not draining, Telegram, storage and every agent ready), else 0");
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>The labels of <c>router_build_info</c>.</summary>
/// <param name="Version">The router's version, without the commit the compiler appends after a <c>+</c>: <see cref="BuildSha"/> names the commit.</param>
public sealed record BuildInfo(string BuildSha, string ConfigManifestHash, string Version)
{
    public static BuildInfo Of(RouterSettings settings) => new(settings.Audit.BuildSha, settings.ManifestHash, RouterVersion);

    /// <summary>The informational version of the router's assembly, up to any <c>+</c>.</summary>
    public static string RouterVersion { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
