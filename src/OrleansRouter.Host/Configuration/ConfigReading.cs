using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Configuration;

/// <summary>What the config guard found: the settings when they are valid, every problem, and the manifest.</summary>
public sealed record ConfigReading(RouterSettings? Settings, IReadOnlyList<ConfigProblem> Problems, ConfigManifest Manifest)
{
    public int Errors => Problems.Count(p => p.Severity == ProblemSeverity.Error);

    public int Warnings => Problems.Count(p => p.Severity == ProblemSeverity.Warning);
}
