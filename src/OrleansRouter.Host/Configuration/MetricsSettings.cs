namespace OrleansRouter.Host.Configuration;

/// <param name="Prometheus">Where <c>/metrics</c> is served; null when <c>METRICS_ENDPOINT=off</c>.</param>
/// <param name="EmitInterval">How often <c>--emit-metrics stdout</c> prints a snapshot; null without it.</param>
public sealed record MetricsSettings(HttpEndpoint? Prometheus, TimeSpan? EmitInterval);
