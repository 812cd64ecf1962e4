using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// Result lines of two builds, labelled <c>before</c> and <c>after</c>, as one table: per scenario, storage and
/// numeric figure, the median of each build's runs and the ratio after / before.
/// </summary>
public static class Comparison
{
    public static string Table(IEnumerable<string> lines)
    {
        var results = lines
            .Select(line => JsonNode.Parse(line) as JsonObject)
            .OfType<JsonObject>()
            .Where(r => r["build"]?.GetValue<string>() is "before" or "after")
            .ToList();
        var table = new StringBuilder("| scenario | storage | figure | before | after | after / before |\n|---|---|---|---|---|---|\n");
        foreach (var runs in results.GroupBy(r => (Scenario: Text(r, "scenario"), Storage: Text(r, "storage"))))
        {
            var figures = runs.SelectMany(r => r).Where(f => f.Value is JsonValue v && v.TryGetValue<double>(out _)).Select(f => f.Key).Distinct();
            foreach (var figure in figures)
            {
                var before = Median(runs, "before", figure);
                var after = Median(runs, "after", figure);
                var ratio = before is > 0 or < 0 && after is { } a ? (a / before.Value).ToString("0.00", CultureInfo.InvariantCulture) : "";
                table.Append(CultureInfo.InvariantCulture, $"| {runs.Key.Scenario} | {runs.Key.Storage} | {figure} | {Show(before, runs, "before")} | {Show(after, runs, "after")} | {ratio} |\n");
            }
        }

        return table.ToString();
    }

    private static string Text(JsonObject result, string key) => result[key]?.GetValue<string>() ?? "";

    /// <summary>The median of <paramref name="figure"/> over <paramref name="build"/>'s runs that reported it; none if none did.</summary>
    private static double? Median(IEnumerable<JsonObject> runs, string build, string figure)
    {
        var values = runs
            .Where(r => Text(r, "build") == build)
            .Select(r => r[figure] is JsonValue v && v.TryGetValue<double>(out var d) ? d : (double?)null)
            .OfType<double>()
            .Order()
            .ToList();
        return values.Count == 0 ? null : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static string Show(double? median, IEnumerable<JsonObject> runs, string build) =>
        median is { } m ? $"{m.ToString("0.##", CultureInfo.InvariantCulture)} (n={runs.Count(r => Text(r, "build") == build)})" : "—";
}
