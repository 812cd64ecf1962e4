using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;
using Serilog.Events;

namespace OrleansRouter.Host.Telemetry;

/// <summary>Writes configuration problems as <c>config.guard</c> events: one per problem, never a secret value.</summary>
public static class ConfigGuardLog
{
    public static void Write(Serilog.ILogger logger, IEnumerable<ConfigProblem> problems)
    {
        foreach (var problem in problems)
        {
            var level = problem.Severity == ProblemSeverity.Error ? LogEventLevel.Error : LogEventLevel.Warning;
            Event(logger, "config.guard")
                .ForContext("status", problem.Severity == ProblemSeverity.Error ? "error" : "warning")
                .Write(level, "{key} {problem} ({hint})", problem.Key, problem.Problem, problem.Hint);
        }
    }

    /// <summary>The verdict, with the manifest hash that identifies this configuration.</summary>
    public static void WriteSummary(Serilog.ILogger logger, ConfigReading reading) =>
        Event(logger, "config.checked")
            .ForContext("shutdown_drain_seconds", reading.Settings?.ShutdownDrain.TotalSeconds)
            .Write(reading.Errors == 0 ? LogEventLevel.Information : LogEventLevel.Error,
                "The configuration is {status}: {errors} errors, {warnings} warnings",
                reading.Errors == 0 ? "valid" : "invalid", reading.Errors, reading.Warnings);

    private static Serilog.ILogger Event(Serilog.ILogger logger, string name) =>
        logger.ForContext("EventId", new { Name = name }, destructureObjects: true);
}
