using System.Text.Json.Nodes;

namespace OrleansRouter.Benchmarks;

/// <summary>How the scenarios count and round what they measured, and the shape of one result line.</summary>
public static class Figures
{
    /// <summary>Lost: messages with no reply. Doubled: replies sent more than once.</summary>
    public static JsonObject Reckon(Rig rig, List<(long Chat, string Text)> texts)
    {
        var counts = rig.Telegram.Sent.Where(m => m.ChatId >= Rig.FirstChat).GroupBy(m => (m.ChatId, m.Text)).ToDictionary(g => g.Key, g => g.Count());
        var lost = texts.Count(t => !counts.ContainsKey((t.Chat, $"reply: {t.Text}")));
        var doubled = counts.Values.Sum(c => c - 1);
        return new JsonObject { ["lost"] = lost, ["doubled"] = doubled };
    }

    public static JsonObject Result(string scenario, string storage, JsonObject figures, JsonObject reckoning)
    {
        var result = new JsonObject { ["scenario"] = scenario, ["storage"] = storage };
        foreach (var (key, value) in figures.Concat(reckoning).ToList())
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    /// <summary>p50, p95, p99 and the maximum of <paramref name="milliseconds"/>, under the names every scenario uses.</summary>
    public static JsonObject LatencyPercentiles(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        return new JsonObject
        {
            ["p50_ms"] = Round(Percentile(sorted, 0.50)),
            ["p95_ms"] = Round(Percentile(sorted, 0.95)),
            ["p99_ms"] = Round(Percentile(sorted, 0.99)),
            ["max_ms"] = Round(sorted[^1]),
        };
    }

    public static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Ceiling(p * sorted.Count) - 1];

    public static double Round(double value) => Math.Round(value, 2);

    public static double Megabytes(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);
}
