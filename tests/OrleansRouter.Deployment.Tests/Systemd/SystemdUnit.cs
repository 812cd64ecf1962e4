using System.Text.RegularExpressions;

namespace OrleansRouter.Deployment.Systemd;

/// <summary>One <c>Key=value</c> line of a unit file, in its section.</summary>
internal sealed record UnitSetting(string Section, string Key, string Value);

/// <summary>
/// A unit file read as systemd reads the subset this repository's unit uses: sections, <c>Key=value</c> lines,
/// <c>#</c> and <c>;</c> comments. Its command lines are turned into arguments as systemd turns them: specifiers
/// (<c>%i</c>, <c>%%</c>) and <c>${VAR}</c> from the environment files, each <c>${VAR}</c> exactly one argument.
/// Anything beyond that subset (quotes, escapes, <c>$VAR</c>, prefixes like <c>-</c> or <c>+</c>, line
/// continuations) is refused, so the tests never run a command line other than the one systemd would.
/// </summary>
internal sealed partial class SystemdUnit
{
    private readonly IReadOnlyList<UnitSetting> _settings;

    private SystemdUnit(IReadOnlyList<UnitSetting> settings) => _settings = settings;

    public IReadOnlyList<UnitSetting> Settings => _settings;

    public static SystemdUnit Parse(string text)
    {
        var settings = new List<UnitSetting>();
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                throw new NotSupportedException($"a continued line: {line}");
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"not Key=value: {line}");
            }

            settings.Add(new UnitSetting(section, line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }

        return new SystemdUnit(settings);
    }

    /// <summary>Every value of <paramref name="key"/> in <paramref name="section"/>, in order (an empty one included).</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        _settings.Where(s => s.Section == section && s.Key == key).Select(s => s.Value).ToList();

    /// <summary>The one value of <paramref name="key"/>; fails when it is missing or given twice.</summary>
    public string Single(string section, string key)
    {
        var values = Values(section, key);
        Assert.True(values.Count == 1, $"[{section}] {key}= is set once (it is set {values.Count} times)");
        return values[0];
    }

    /// <summary>Expands the specifiers systemd expands in a template instantiated as <paramref name="instance"/>.</summary>
    public static string Specifiers(string value, string instance) =>
        Specifier().Replace(value, m => m.Value switch
        {
            "%i" or "%I" => instance,
            "%%" => "%",
            _ => throw new NotSupportedException($"the specifier {m.Value} in {value}"),
        });

    /// <summary>A command line's arguments, as systemd runs it for <paramref name="instance"/> in <paramref name="environment"/>.</summary>
    public static IReadOnlyList<string> CommandLine(string value, string instance, IReadOnlyDictionary<string, string> environment)
    {
        if (value.Length > 0 && value[0] is '-' or '@' or '+' or '!' or ':')
        {
            throw new NotSupportedException($"a command line with a prefix: {value}");
        }

        return value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(word =>
            {
                if (word.IndexOfAny(['"', '\'', '\\', ';']) >= 0 || UnbracedVariable().IsMatch(word))
                {
                    throw new NotSupportedException($"the word {word} in {value}");
                }

                return BracedVariable().Replace(Specifiers(word, instance), m => environment.GetValueOrDefault(m.Groups["name"].Value, ""));
            })
            .ToList();
    }

    /// <summary>
    /// An <c>EnvironmentFile=</c> as systemd reads it: <c>KEY=value</c> lines, blank lines and <c>#</c> or <c>;</c>
    /// comments, a value in matching quotes unquoted. Escapes and multi-line values are refused.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> EnvironmentFile(string text)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || line.Contains('\\', StringComparison.Ordinal))
            {
                throw new NotSupportedException($"the environment file line {line}");
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values.Add(new(line[..equals].Trim(), value));
        }

        return values;
    }

    [GeneratedRegex("%.")]
    private static partial Regex Specifier();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex BracedVariable();

    [GeneratedRegex(@"\$(?!\{)")]
    private static partial Regex UnbracedVariable();
}
