using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// OpenTelemetry. Metrics always: the router's own (<see cref="RouterMetrics"/>), Orleans', ASP.NET Core's,
/// HttpClient's and the runtime's, served to Prometheus on <c>METRICS_ENDPOINT</c>, printed as JSON lines with
/// <c>--emit-metrics stdout</c>, and sent over OTLP when that is on. Traces over OTLP, when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set or <c>--otel</c> is given: the HTTP endpoints, the grain calls (Orleans
/// activity propagation) and the outgoing HTTP calls to agents and the Bot API, whose <c>traceparent</c> header
/// carries the trace on. Every span is scrubbed of secrets before it leaves (<see cref="SpanScrubber"/>): the Bot API's
/// URLs contain the bot token, and an exception recorded in a span may name anything.
/// </summary>
public static class RouterTelemetry
{
    public const string ServiceName = "orleans-router";

    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static WebApplicationBuilder AddRouterTelemetry(this WebApplicationBuilder builder, RouterSettings settings)
    {
        builder.Services.AddSingleton(BuildInfo.Of(settings));
        builder.Services.AddSingleton<SiloStatusMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceVersion: settings.Audit.BuildSha, serviceInstanceId: $"{Environment.MachineName}:{settings.Cluster.SiloPort}")
                .AddAttributes([new("deployment.environment.name", settings.Environment.ToString().ToLowerInvariant())]))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(RouterMetrics.MeterName, "Microsoft.Orleans")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (settings.Metrics.Prometheus is not null)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.Metrics.EmitInterval is { } interval)
                {
                    metrics.AddReader(new PeriodicExportingMetricReader(new JsonLinesMetricExporter(Console.Out), (int)interval.TotalMilliseconds)
                    {
                        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
                    });
                }

                if (settings.Otlp is { } otlp)
                {
                    metrics.AddOtlpExporter(exporter => Configure(exporter, otlp, "metrics"));
                }
            });
        if (settings.Otlp is { } otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(RouterTracing.SourceName)
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddProcessor(new SpanScrubber(new Redactor(settings.Secrets)))
                .AddOtlpExporter(exporter => Configure(exporter, otlp, "traces")));
        }

        return builder;
    }

    /// <summary>
    /// Prometheus's scrape endpoint, <c>/metrics</c>; <see cref="Hosting.SidePorts"/> keeps it to its own port. The
    /// silo's status gauges are made here, before the first scrape or snapshot, as nothing else asks for them.
    /// </summary>
    public static WebApplication MapRouterMetrics(this WebApplication app, RouterSettings settings)
    {
        app.Services.GetRequiredService<SiloStatusMetrics>();
        if (settings.Metrics.Prometheus is not null)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }

        return app;
    }

    public const string MetricsPath = "/metrics";

    /// <summary>Over http/protobuf each signal has its path under the collector's URL; gRPC takes the URL as it is.</summary>
    private static void Configure(OtlpExporterOptions exporter, OtlpSettings otlp, string signal)
    {
        exporter.Protocol = otlp.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = SignalEndpoint(otlp, signal);
    }

    /// <summary>Where one signal (traces, metrics, logs) goes: its path under the collector's URL over http/protobuf.</summary>
    public static Uri SignalEndpoint(OtlpSettings otlp, string signal) =>
        otlp.Protocol == OtlpProtocol.Grpc ? otlp.Endpoint : new Uri(otlp.Endpoint, otlp.Endpoint.AbsolutePath.TrimEnd('/') + "/v1/" + signal);
}
