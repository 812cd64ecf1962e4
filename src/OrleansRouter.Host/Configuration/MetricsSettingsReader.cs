namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Prometheus's <c>/metrics</c> on a port of its own (<c>off</c> for none), and the interval of
/// <c>METRICS_EMIT=stdout</c> (<c>--emit-metrics stdout</c>): metric snapshots as JSON lines on stdout.
/// </summary>
public static class MetricsSettingsReader
{
    public static MetricsSettings? Read(ConfigValues values, HttpEndpoint? http, DashboardSettings? dashboard)
    {
        var emit = values.Choice(ConfigKeys.MetricsEmit);
        var emitInterval = values.Seconds(ConfigKeys.MetricsEmitSeconds);
        HttpEndpoint? endpoint = null;
        var endpointFailed = false;
        if (!values.IsOff(ConfigKeys.MetricsEndpoint))
        {
            endpoint = values.Endpoint(ConfigKeys.MetricsEndpoint);
            endpointFailed = endpoint is null;
            if (endpoint is not null && (endpoint.Port == http?.Port || endpoint.Port == dashboard?.Endpoint.Port))
            {
                values.Report(ConfigKeys.MetricsEndpoint, $"uses port {endpoint.Port}, as HTTP_ENDPOINT or DASHBOARD_ENDPOINT does", "give /metrics a port of its own, e.g. :9464");
                endpointFailed = true;
            }
        }

        return endpointFailed || emit is null || emitInterval is null
            ? null
            : new MetricsSettings(endpoint, emit == "stdout" ? emitInterval : null);
    }
}
