using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRouter.Benchmarks;

// ops/bench.sh [--scenario NAME]... [--storage memory|redis|both]
// Prints one JSON line per scenario as it finishes, then the whole report as one JSON document.
var scenarios = new List<string>();
var storages = new List<string> { "memory", "redis" };
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario" when i + 1 < args.Length:
            scenarios.Add(args[++i]);
            break;
        case "--storage" when i + 1 < args.Length:
            storages = args[++i] == "both" ? ["memory", "redis"] : [args[i]];
            break;
        default:
            Console.Error.WriteLine($"bench: unknown argument '{args[i]}'. Scenarios: {string.Join(", ", Scenarios.Names)}");
            return 2;
    }
}

if (scenarios.Count == 0)
{
    scenarios.AddRange(Scenarios.Names);
}

var results = new JsonArray();
foreach (var storage in storages)
{
    foreach (var scenario in scenarios)
    {
        var result = await Scenarios.RunAsync(scenario, storage);
        Console.WriteLine(result.ToJsonString());
        results.Add(result);
    }
}

var report = new JsonObject
{
    ["machine"] = new JsonObject
    {
        ["cpu"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim(),
        ["cores"] = Environment.ProcessorCount,
        ["memory_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
    },
    ["results"] = results,
};
Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
return 0;
