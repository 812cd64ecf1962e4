using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// OpenTelemetry over OTLP, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set or <c>--otel</c> is given: traces of the
/// HTTP endpoints, the grain calls (Orleans activity propagation) and the outgoing HTTP calls to agents and the Bot
/// API, whose <c>traceparent</c> header carries the trace on; metrics of Orleans, ASP.NET Core, HttpClient and the
/// runtime. Every span is scrubbed of secrets before it leaves: the Bot API's URLs contain the bot token.
/// </summary>
public static class RouterTelemetry
{
    public const string ServiceName = "orleans-router";

    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static WebApplicationBuilder AddRouterTelemetry(this WebApplicationBuilder builder, RouterSettings settings)
    {
        if (settings.Otlp is not { } otlp)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceVersion: settings.Audit.BuildSha, serviceInstanceId: $"{Environment.MachineName}:{settings.Cluster.SiloPort}")
                .AddAttributes([new("deployment.environment.name", settings.Environment.ToString().ToLowerInvariant())]))
            .WithTracing(tracing => tracing
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddProcessor(new SecretScrubbingProcessor(settings.Secrets))
                .AddOtlpExporter(exporter => Configure(exporter, otlp, "traces")))
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter(exporter => Configure(exporter, otlp, "metrics")));
        return builder;
    }

    /// <summary>Over http/protobuf each signal has its path under the collector's URL; gRPC takes the URL as it is.</summary>
    private static void Configure(OtlpExporterOptions exporter, OtlpSettings otlp, string signal)
    {
        exporter.Protocol = otlp.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = otlp.Protocol == OtlpProtocol.Grpc ? otlp.Endpoint : new Uri(otlp.Endpoint, otlp.Endpoint.AbsolutePath.TrimEnd('/') + "/v1/" + signal);
    }

    /// <summary>Blanks every secret out of a finished span's name and tags, so that no exporter ever sees one.</summary>
    private sealed class SecretScrubbingProcessor(IReadOnlyList<string> secrets) : BaseProcessor<Activity>
    {
        private readonly string[] _secrets = [.. secrets.Where(s => s.Length > 0)];

        public override void OnEnd(Activity data)
        {
            data.DisplayName = Scrub(data.DisplayName);
            foreach (var (key, value) in data.TagObjects.ToList())
            {
                if (value is string text && Scrub(text) is var scrubbed && !ReferenceEquals(scrubbed, text))
                {
                    data.SetTag(key, scrubbed);
                }
            }
        }

        private string Scrub(string text)
        {
            var result = text;
            foreach (var secret in _secrets)
            {
                result = result.Replace(secret, "***", StringComparison.Ordinal);
            }

            return result;
        }
    }
}
