using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// Where a profiled router spent its running time, from the speedscope file <c>ops/profile.sh</c> writes: the time
/// each thread spent running managed code on each stack (the sampler's <c>CPU_TIME</c> leaf; waits and native code,
/// the garbage collector's included, end in <c>UNMANAGED_CODE_TIME</c> and are left out), inside the window in which
/// chats were at work (the first to the last stack through <c>ChatGrain</c>), each stack given to the first cost
/// below that it passes through.
/// </summary>
public static class ProfileBreakdown
{
    private const string RunningManagedCode = "CPU_TIME";

    /// <summary>
    /// The parts, each known by the frames that are its own; a stack is the part of its innermost such frame.
    /// </summary>
    private static readonly (string Part, Func<string, string[], bool> Owns)[] Parts =
    [
        ("grain state storage: serializing", (frame, stack) => IsSerializer(frame) && Has(stack, "StateStorageBridge")),
        ("grain state storage: the Redis client", (frame, stack) => frame.Contains("StackExchange.Redis", StringComparison.Ordinal) && Has(stack, "StateStorageBridge")),
        ("grain state storage: the rest", (frame, _) => frame.Contains("StateStorageBridge", StringComparison.Ordinal) || frame.Contains("Orleans.Persistence", StringComparison.Ordinal)),
        ("Redis for clustering and reminders", (frame, _) => frame.Contains("StackExchange.Redis", StringComparison.Ordinal)),
        ("reminders", (frame, _) => frame.Contains("Reminder", StringComparison.Ordinal)),
        ("serializing messages and HTTP bodies", (frame, _) => IsSerializer(frame)),
        ("the agent call (A2A client, HTTP)", (frame, _) => frame.Contains("OrleansRouter.Agents", StringComparison.Ordinal)),
        ("the Telegram send (Telegram.Bot, HTTP)", (frame, _) => frame.Contains("Telegram", StringComparison.Ordinal)),
        ("the dashboard", (frame, _) => frame.Contains("Orleans.Dashboard", StringComparison.Ordinal)),
        ("metrics and traces (OpenTelemetry)", (frame, _) => frame.Contains("OpenTelemetry", StringComparison.Ordinal)),
        ("logging (Serilog, Microsoft.Extensions.Logging)", (frame, _) => frame.Contains("Serilog", StringComparison.Ordinal) || frame.Contains("Microsoft.Extensions.Logging", StringComparison.Ordinal)),
        ("the chat grain's own code", (frame, _) => frame.Contains("OrleansRouter.Grains", StringComparison.Ordinal)),
        ("the ingress and the rest of the host", (frame, _) => frame.Contains("OrleansRouter", StringComparison.Ordinal)),
        ("Orleans: messaging, scheduling, activations", (frame, _) => frame.Contains("Orleans", StringComparison.Ordinal)),
        ("sockets and HTTP", (frame, _) => frame.Contains("System.Net", StringComparison.Ordinal)),
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
        for (var i = stack.Length - 1; i >= 0; i--)
        {
            foreach (var (part, owns) in Parts)
            {
                if (owns(stack[i], stack))
                {
                    return part;
                }
            }
        }

        return NoPart;
    }

    private static bool IsSerializer(string frame) =>
        frame.Contains("System.Text.Json", StringComparison.Ordinal) || frame.Contains("Newtonsoft", StringComparison.Ordinal)
        || frame.Contains("Orleans.Serialization", StringComparison.Ordinal) || frame.Contains("StorageSerializer", StringComparison.Ordinal);

    private static string[] OnTheThread(List<string> stack)
    {
        var thread = stack.FindLastIndex(frame => frame.StartsWith("Thread (", StringComparison.Ordinal));
        return [.. stack.Skip(thread + 1)];
    }

    private static bool Has(string[] stack, string marker) => stack.Any(frame => frame.Contains(marker, StringComparison.Ordinal));

    /// <param name="Stack">Outermost frame first.</param>
    private sealed record Span(string[] Stack, double From, double To);
}
