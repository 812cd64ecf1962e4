using System.Text.RegularExpressions;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Tests.Configuration;

/// <summary><c>.env.example</c> is the catalog of every key the code reads: the two never drift apart.</summary>
public sealed partial class ConfigCatalogTests
{
    private static readonly string Catalog = File.ReadAllText(Path.Combine(OrleansRouter.Testing.RouterProcess.RepositoryRoot(), ".env.example"));

    /// <summary>Each key is documented by a block of comment lines ending in "secret: yes|no" (and "rotation: N days").</summary>
    private static Dictionary<string, (bool Secret, int? Rotation)> Documented() =>
        KeyBlock().Matches(Catalog).ToDictionary(
            m => m.Groups["key"].Value,
            m => (m.Groups["secret"].Value == "yes", m.Groups["days"].Success ? int.Parse(m.Groups["days"].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null));

    [Fact]
    public void Every_key_the_code_reads_is_in_the_catalog_and_nothing_else_is()
    {
        var documented = Documented().Keys.Select(k => Placeholder().Replace(k, "*")).Order().ToList();
        var read = ConfigKeys.All.Select(k => k.Name).Order().ToList();

        Assert.Equal(read, documented);
    }

    [Fact]
    public void The_catalog_states_each_secret_and_its_rotation_as_the_code_enforces_it()
    {
        var documented = Documented();

        foreach (var key in ConfigKeys.All)
        {
            var (secret, rotation) = documented.Single(d => Placeholder().Replace(d.Key, "*") == key.Name).Value;
            Assert.True(key.Secret == secret, $"{key.Name}: secret in code {key.Secret}, in catalog {secret}");
            Assert.True(key.RotationDays == rotation, $"{key.Name}: rotation in code {key.RotationDays}, in catalog {rotation}");
        }
    }

    [Fact]
    public void The_catalog_holds_no_secret_values()
    {
        foreach (Match line in AssignedLine().Matches(Catalog))
        {
            var key = line.Groups["key"].Value;
            var isSecret = ConfigKeys.Find(key)?.Secret ?? false;
            Assert.False(isSecret && line.Groups["value"].Value.Length > 0, $"{key} has a value in .env.example");
        }
    }

    [Fact]
    public void The_catalog_opens_each_key_with_the_code_s_doc_line_and_states_its_defaults()
    {
        var blocks = DocumentedBlocks().Matches(Catalog).ToDictionary(m => Placeholder().Replace(m.Groups["key"].Value, "*"));

        foreach (var key in ConfigKeys.All)
        {
            var block = blocks[key.Name];
            var prose = string.Join(" ", block.Groups["prose"].Captures.Select(c => c.Value));
            Assert.True(prose.StartsWith(key.Doc, StringComparison.Ordinal), $"{key.Name}: .env.example says \"{prose}\", the catalog's doc is \"{key.Doc}\"");
            if (ExpectedDefault(key) is { } expected)
            {
                Assert.Matches(expected, block.Groups["default"].Value);
            }
        }
    }

    /// <summary>
    /// What the default line must say of the catalog's defaults: the value (a note in brackets may follow), or
    /// "X in local, Y elsewhere", or for a secret only that local has one. Null when the reader works the default out.
    /// </summary>
    private static string? ExpectedDefault(ConfigKey key)
    {
        var (local, deployed) = (key.DefaultIn(RouterEnvironment.Local), key.DefaultIn(RouterEnvironment.Production));
        return (local, deployed) switch
        {
            (null, null) => null,
            ({ }, null) when key.Secret => "^a fixed, non-secret .* in local; required elsewhere$",
            ({ }, { }) when local == deployed => $@"^{Regex.Escape(local)}( \(.*\))?$",
            _ => $"^{Regex.Escape(local ?? "none")} in local, {Regex.Escape(deployed ?? "none")} elsewhere$",
        };
    }

    [GeneratedRegex(@"^# (?<key>[A-Z0-9_<>]+)\n(?:#.*\n)*?# .*secret: (?<secret>yes|no)(?:, rotation: (?<days>\d+) days)?.*\n", RegexOptions.Multiline)]
    private static partial Regex KeyBlock();

    /// <summary>A key's block: its heading, its prose, and its "default: … · secret: …" line.</summary>
    [GeneratedRegex(@"^# (?<key>[A-Z0-9_<>]+)\n(?:# (?!default: )(?<prose>.*)\n)+# default: (?<default>.*?) · secret: ", RegexOptions.Multiline)]
    private static partial Regex DocumentedBlocks();

    /// <summary>A family's variable part in the catalog: <c>&lt;PERSONA&gt;</c>, <c>&lt;SECRET&gt;</c>.</summary>
    [GeneratedRegex("<[A-Z]+>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(?<key>[A-Z0-9_]+)=(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex AssignedLine();
}
