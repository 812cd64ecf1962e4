namespace OrleansRouter.Configuration;

/// <summary>One thing wrong with the configuration, reported together with all the others.</summary>
/// <param name="Key">The configuration key or JSON path the problem is about.</param>
/// <param name="Problem">What is wrong, never containing a secret value.</param>
/// <param name="Hint">What the operator can do about it.</param>
/// <param name="Severity">Errors stop start-up; warnings are reported and start-up goes on.</param>
public sealed record ConfigProblem(string Key, string Problem, string Hint, ProblemSeverity Severity = ProblemSeverity.Error)
{
    public static ConfigProblem Warning(string key, string problem, string hint) =>
        new(key, problem, hint, ProblemSeverity.Warning);

    public override string ToString() => $"{Key}: {Problem} ({Hint})";
}

public enum ProblemSeverity
{
    Error,
    Warning,
}
