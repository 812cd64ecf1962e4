using Microsoft.AspNetCore.Builder;
using OrleansRouter.Host.Configuration;
using Serilog;
using Serilog.Events;
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
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration()
            .WriteTo.Console(Formatter(LogFormat.Json, []))
            .CreateLogger();

    public static WebApplicationBuilder AddRouterLogging(this WebApplicationBuilder builder, RouterSettings settings)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(configuration => configuration
            .MinimumLevel.Is(settings.Logging.Level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("env", settings.Environment.ToString().ToLowerInvariant())
            .Enrich.WithProperty("build_sha", settings.BuildSha)
            .WriteTo.Console(Formatter(settings.Logging.Format, settings.Secrets)));
        return builder;
    }

    private static ITextFormatter Formatter(LogFormat format, IEnumerable<string> secrets) =>
        new RedactingFormatter(new ExpressionTemplate(format == LogFormat.Json ? JsonTemplate : TextTemplate), secrets);
}
