using Microsoft.AspNetCore.Builder;
using OrleansRouter.Host.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Formatting;
using Serilog.Templates;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// Serilog on stdout: JSON lines by default (one object per line, the event name in <c>event</c>), text for people.
/// Framework noise is kept at Warning; every line carries <c>env</c> and <c>build_sha</c>.
/// </summary>
public static class RouterLogging
{
    private const string JsonTemplate =
        "{ {timestamp: UtcDateTime(@t), level: @l, event: EventId.Name, message: @m, exception: @x, logger: SourceContext, ..@p, " +
        "EventId: undefined(), SourceContext: undefined()} }\n";

    private const string TextTemplate =
        "[{@t:HH:mm:ss} {@l:u3}] {#if EventId.Name is not null}{EventId.Name}: {#end}{@m}\n{@x}";

    /// <summary>The logger used before the configuration is known, for the configuration's own problems.</summary>
    public static Serilog.ILogger CreateBootstrapLogger(string manifestHash) =>
        new LoggerConfiguration()
            .Enrich.WithProperty("config_manifest_hash", manifestHash)
            .WriteTo.Console(Formatter(LogFormat.Json, new Redactor([])))
            .CreateLogger();

    public static WebApplicationBuilder AddRouterLogging(this WebApplicationBuilder builder, RouterSettings settings)
    {
        builder.Logging.ClearProviders();
        var redactor = new Redactor(settings.Secrets);
        builder.Services.AddSingleton(redactor);
        var forwarding = settings.Logging.Forward is { } target ? new LogForwardingSink(target, Formatter(LogFormat.Json, redactor)) : null;
        if (forwarding is not null)
        {
            // Registered by factory, so that the container disposes it, and the last lines go out on shutdown.
            builder.Services.AddSingleton(_ => forwarding);
            builder.Services.AddHostedService<LogForwardingMonitor>();
        }

        builder.Services.AddSerilog(configuration =>
        {
            configuration
                .MinimumLevel.Is(settings.Logging.Level)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("System", LogEventLevel.Warning)
                .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("env", settings.Environment.ToString().ToLowerInvariant())
                .Enrich.WithProperty("build_sha", settings.Audit.BuildSha)
                .Enrich.WithProperty("config_manifest_hash", settings.ManifestHash)
                .WriteTo.Console(Formatter(settings.Logging.Format, redactor));
            if (forwarding is not null)
            {
                configuration.WriteTo.Sink(forwarding);
            }

            if (settings.Otlp is { } otlp)
            {
                configuration.WriteTo.Sink(OtlpSink(settings, otlp, redactor));
            }
        });
        return builder;
    }

    /// <summary>With OTLP on, log events go to the collector too, redacted as event values rather than as text.</summary>
    private static ILogEventSink OtlpSink(RouterSettings settings, OtlpSettings otlp, Redactor redactor) =>
        RedactedOtlpSink(
            RouterTelemetry.SignalEndpoint(otlp, "logs"),
            otlp.Protocol == OtlpProtocol.Grpc ? Serilog.Sinks.OpenTelemetry.OtlpProtocol.Grpc : Serilog.Sinks.OpenTelemetry.OtlpProtocol.HttpProtobuf,
            new Dictionary<string, object>
            {
                ["service.name"] = RouterTelemetry.ServiceName,
                ["service.version"] = settings.Audit.BuildSha,
                ["deployment.environment.name"] = settings.Environment.ToString().ToLowerInvariant(),
            },
            redactor);

    /// <summary>The OTLP log sink behind the <see cref="RedactingSink"/>: nothing reaches it unredacted.</summary>
    public static ILogEventSink RedactedOtlpSink(Uri endpoint, Serilog.Sinks.OpenTelemetry.OtlpProtocol protocol, IDictionary<string, object> resource, Redactor redactor) =>
        LoggerSinkConfiguration.Wrap(
            sink => new RedactingSink(sink, redactor),
            wrapped => wrapped.OpenTelemetry(options =>
            {
                options.Protocol = protocol;
                options.Endpoint = endpoint.AbsoluteUri;
                options.ResourceAttributes = resource;
            }));

    private static ITextFormatter Formatter(LogFormat format, Redactor redactor) =>
        new RedactingFormatter(new ExpressionTemplate(format == LogFormat.Json ? JsonTemplate : TextTemplate), redactor);
}
