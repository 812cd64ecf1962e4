using System.Globalization;
using System.Text.RegularExpressions;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>A secret of the catalog: its key (a pattern such as <c>A2A_TOKEN_&lt;PERSONA&gt;</c> for a family) and its rotation policy.</summary>
public sealed record CatalogSecret(string Key, int? RotationDays)
{
    /// <summary>The prefix a family's keys share (<c>A2A_TOKEN_</c>), or null for a single key.</summary>
    public string? FamilyPrefix => Key.EndsWith('>') ? Key[..Key.IndexOf('<', StringComparison.Ordinal)] : null;

    /// <summary>Whether <paramref name="key"/> is this secret (or one of its family); a <c>_ROTATED_AT</c> date is not a secret.</summary>
    public bool Names(string key) =>
        FamilyPrefix is { } prefix
            ? key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length && !key.EndsWith("_ROTATED_AT", StringComparison.Ordinal)
            : key == Key;
}

/// <summary>The repository's configuration files as the tests read them: .env.example, deploy/configs, deploy/k8s/secrets.env.example.</summary>
public static partial class ConfigCatalog
{
    public static string Root => RouterProcess.RepositoryRoot();

    public static string SecretsTemplatePath => Path.Combine(Root, "deploy", "k8s", "secrets.env.example");

    /// <summary>Every key .env.example marks "secret: yes", from its <c># KEY</c> heading and its <c># default: … · secret: yes, rotation: N days</c> line.</summary>
    public static IReadOnlyList<CatalogSecret> Secrets()
    {
        var secrets = new List<CatalogSecret>();
        string? heading = null;
        foreach (var line in File.ReadLines(Path.Combine(Root, ".env.example")))
        {
            if (Heading().Match(line) is { Success: true } h)
            {
                heading = h.Groups["key"].Value;
            }
            else if (heading is not null && SecretLine().Match(line) is { Success: true } s)
            {
                var days = s.Groups["days"].Success ? int.Parse(s.Groups["days"].Value, CultureInfo.InvariantCulture) : (int?)null;
                secrets.Add(new CatalogSecret(heading, days));
                heading = null;
            }
        }

        return secrets;
    }

    /// <summary>KEY=value lines of an env file (comments and blank lines left out).</summary>
    public static IReadOnlyDictionary<string, string> EnvFile(string path) =>
        File.ReadLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('=', StringComparison.Ordinal))
            .Select(line => (Key: line[..line.IndexOf('=', StringComparison.Ordinal)], Value: line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, string> DeployedConfig(string environment) =>
        EnvFile(Path.Combine(Root, "deploy", "configs", $"{environment}.env"));

    [GeneratedRegex(@"^# (?<key>[A-Z][A-Z0-9_]*(<[A-Z]+>)?)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^# default: .*secret: yes(, rotation: (?<days>[0-9]+) days)?")]
    private static partial Regex SecretLine();
}
