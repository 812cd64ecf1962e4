namespace OrleansRouter.Host.Configuration;

/// <summary>OTLP export of traces and metrics, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (<c>--otel</c> sets a default).</summary>
public static class OtlpSettingsReader
{
    public static (OtlpSettings? Otlp, bool Failed) Read(ConfigValues values)
    {
        if (values[ConfigKeys.OtlpEndpoint] is null)
        {
            return (null, false);
        }

        var endpoint = values.HttpUrl(ConfigKeys.OtlpEndpoint);
        var protocol = values.Choice<OtlpProtocol>(ConfigKeys.OtlpProtocol);
        return endpoint is null || protocol is null ? (null, true) : (new OtlpSettings(endpoint, protocol.Value), false);
    }
}
