using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// Where a profiled router spent its running time, from the speedscope file <c>ops/profile.sh</c> writes: the time
/// each thread spent running managed code on each stack (the sampler's <c>CPU_TIME</c> leaf; waits and native code,
/// the garbage collector's included, end in <c>UNMANAGED_CODE_TIME</c> and are left out), inside the window in which
/// chats were at work (the first to the last stack through <c>ChatGrain</c>), each stack given to the part of its
/// innermost frame that belongs to one.
/// </summary>
public static class ProfileBreakdown
{
    private const string RunningManagedCode = "CPU_TIME";
    private const string StateStorage = "StateStorageBridge";
    private static readonly string[] Serializers = ["System.Text.Json", "Newtonsoft", "Orleans.Serialization", "StorageSerializer"];

    /// <summary>
    /// The parts, each known by the markers of the frames that are its own; a stack is the part of its innermost such
    /// frame. A part for the state storage only takes stacks that pass through it.
    /// </summary>
    private static readonly (string Part, string[] Markers, bool UnderStorage)[] Parts =
    [
        ("grain state storage: serializing", Serializers, true),
        ("grain state storage: the Redis client", ["StackExchange.Redis"], true),
        ("grain state storage: the rest", [StateStorage, "Orleans.Persistence"], false),
        ("Redis for clustering and reminders", ["StackExchange.Redis"], false),
        ("reminders", ["Reminder"], false),
        ("serializing messages and HTTP bodies", Serializers, false),
        ("the agent call (A2A client, HTTP)", ["OrleansRouter.Agents"], false),
        ("the Telegram send (Telegram.Bot, HTTP)", ["Telegram"], false),
        ("the dashboard", ["Orleans.Dashboard"], false),
        ("metrics and traces (OpenTelemetry)", ["OpenTelemetry"], false),
        ("logging (Serilog, Microsoft.Extensions.Logging)", ["Serilog", "Microsoft.Extensions.Logging"], false),
        ("the chat grain's own code", ["OrleansRouter.Grains"], false),
        ("the ingress and the rest of the host", ["OrleansRouter"], false),
        ("Orleans: messaging, scheduling, activations", ["Orleans"], false),
        ("sockets and HTTP", ["System.Net"], false),
    ];

    private const string NoPart = "no library frame: thread pool, tasks, timers, spinning";

    /// <summary>Prints the breakdown of a speedscope file as a Markdown table.</summary>
    public static string Table(string speedscopeFile)
    {
        using var stream = File.OpenRead(speedscopeFile);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString() ?? "").ToArray();
        var spans = root.GetProperty("profiles").EnumerateArray().SelectMany(profile => Spans(profile, frames)).ToList();

        var chats = spans.Where(s => Has(s.Stack, "ChatGrain")).ToList();
        if (chats.Count == 0)
        {
            return "no stack went through ChatGrain: nothing to break down\n";
        }

        var (from, to) = (chats.Min(s => s.From), chats.Max(s => s.To));
        var running = spans
            .Select(s => s with { From = Math.Max(s.From, from), To = Math.Min(s.To, to) })
            .Where(s => s.To > s.From && s.Stack is [.., RunningManagedCode])
            .ToList();
        var total = running.Sum(s => s.To - s.From);
        var shares = running
            .GroupBy(s => PartOf(s.Stack))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.To - s.From));

        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"{total / 1000:0.00} s of thread time in managed code in the {(to - from) / 1000:0.00} s that chats were at work\n\n");
        table.Append("| share | where |\n|---|---|\n");
        foreach (var part in Parts.Select(p => p.Part).Append(NoPart))
        {
            table.Append(CultureInfo.InvariantCulture, $"| {100 * shares.GetValueOrDefault(part) / total:0.0} % | {part} |\n");
        }

        return table.ToString();
    }

    /// <summary>
    /// Rebuilds a thread's stacks over time from its open and close events. The exporter puts the async activity that
    /// led to a stack in front of it, down to a <c>Thread (id)</c> frame: only the frames after that ran on the thread.
    /// </summary>
    private static IEnumerable<Span> Spans(JsonElement profile, string[] frames)
    {
        if (profile.GetProperty("type").GetString() != "evented")
        {
            yield break;
        }

        var stack = new List<string>();
        double? since = null;
        foreach (var e in profile.GetProperty("events").EnumerateArray())
        {
            var at = e.GetProperty("at").GetDouble();
            if (since is { } start && stack.Count > 0 && at > start)
            {
                yield return new Span(OnTheThread(stack), start, at);
            }

            since = at;
            var frame = frames[e.GetProperty("frame").GetInt32()];
            if (e.GetProperty("type").GetString() == "O")
            {
                stack.Add(frame);
            }
            else if (stack.Count > 0)
            {
                stack.RemoveAt(stack.Count - 1);
            }
        }
    }

    private static string PartOf(string[] stack)
    {
        var underStorage = Has(stack, StateStorage);
        for (var i = stack.Length - 1; i >= 0; i--)
        {
            foreach (var (part, markers, storageOnly) in Parts)
            {
                if ((underStorage || !storageOnly) && markers.Any(marker => stack[i].Contains(marker, StringComparison.Ordinal)))
                {
                    return part;
                }
            }
        }

        return NoPart;
    }

    private static string[] OnTheThread(List<string> stack)
    {
        var thread = stack.FindLastIndex(frame => frame.StartsWith("Thread (", StringComparison.Ordinal));
        return [.. stack.Skip(thread + 1)];
    }

    private static bool Has(string[] stack, string marker) => stack.Any(frame => frame.Contains(marker, StringComparison.Ordinal));

    /// <param name="Stack">Outermost frame first.</param>
    private sealed record Span(string[] Stack, double From, double To);
}
