using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Image;

/// <summary>
/// The repository's Containerfile, read as an engine reads its final stage: the base image, the build arguments,
/// the environment, the user, the working directory and the entrypoint. No image can be built where the tests
/// run, so tests run the release tree the build stage lays out with what this says.
/// </summary>
public sealed partial class Containerfile
{
    private Containerfile(string text)
    {
        Text = text;
        var stages = Regex.Split(text, @"^(?=FROM\s)", RegexOptions.Multiline).Where(s => s.StartsWith("FROM", StringComparison.Ordinal)).ToList();
        FinalStage = stages[^1];
        Instructions = Logical(FinalStage).ToList();
    }

    public static Containerfile Load() => new(File.ReadAllText(Path.Combine(RouterProcess.RepositoryRoot(), "Containerfile")));

    public string Text { get; }

    public string FinalStage { get; }

    /// <summary>The final stage's instructions, continuation lines joined, comments dropped.</summary>
    public IReadOnlyList<(string Name, string Arguments)> Instructions { get; }

    public string BaseImage => Single("FROM").Split(' ')[0];

    public string? User => Instructions.LastOrDefault(i => i.Name == "USER").Arguments;

    public string WorkingDirectory => Instructions.Last(i => i.Name == "WORKDIR").Arguments;

    public IReadOnlyList<string> Entrypoint => JsonSerializer.Deserialize<string[]>(Single("ENTRYPOINT"))!;

    public IEnumerable<string> ExposedPorts => Instructions.Where(i => i.Name == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public IEnumerable<string> BuildArguments => Instructions.Where(i => i.Name == "ARG").Select(i => i.Arguments.Split('=')[0]);

    public IReadOnlyDictionary<string, string> Labels(IReadOnlyDictionary<string, string> buildArguments) => Pairs("LABEL", buildArguments);

    /// <summary>The image's environment, with <c>$ARG</c> references replaced by <paramref name="buildArguments"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment(IReadOnlyDictionary<string, string> buildArguments) => Pairs("ENV", buildArguments);

    private string Single(string name) => Instructions.Single(i => i.Name == name).Arguments;

    private Dictionary<string, string> Pairs(string instruction, IReadOnlyDictionary<string, string> buildArguments) =>
        Instructions.Where(i => i.Name == instruction)
            .SelectMany(i => Pair().Matches(i.Arguments))
            .ToDictionary(
                m => m.Groups["key"].Value,
                m => Reference().Replace(m.Groups["value"].Value.Trim('"'), r => buildArguments.GetValueOrDefault(r.Groups["name"].Value, "")));

    private static IEnumerable<(string, string)> Logical(string stage)
    {
        var joined = Regex.Replace(string.Join("\n", stage.Split('\n').Where(l => !l.TrimStart().StartsWith('#'))), @"\\\n\s*", " ");
        foreach (var line in joined.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            yield return (line[..space], line[(space + 1)..].Trim());
        }
    }

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_.]*)=(?<value>"[^"]*"|\S+)""")]
    private static partial Regex Pair();

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex Reference();
}
