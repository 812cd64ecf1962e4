using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Telemetry;

/// <summary>Writes configuration problems as <c>config.guard</c> events: one per problem, never a secret value.</summary>
public static class ConfigGuardLog
{
    public static void Write(Serilog.ILogger logger, IEnumerable<ConfigProblem> problems)
    {
        foreach (var problem in problems)
        {
            var level = problem.Severity == ProblemSeverity.Error ? Serilog.Events.LogEventLevel.Error : Serilog.Events.LogEventLevel.Warning;
            logger
                .ForContext("EventId", new { Name = "config.guard" }, destructureObjects: true)
                .ForContext("status", problem.Severity == ProblemSeverity.Error ? "error" : "warning")
                .Write(level, "{key} {problem} ({hint})", problem.Key, problem.Problem, problem.Hint);
        }
    }
}
