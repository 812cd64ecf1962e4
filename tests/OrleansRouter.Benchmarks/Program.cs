using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRouter.Benchmarks;

// ops/bench.sh [--scenario NAME]... [--storage memory|redis|both] [--router PATH] [--router-env KEY=VALUE]... [--build LABEL]
// Prints one JSON line per scenario as it finishes, then the whole report as one JSON document.
// ops/bench-compare.sh runs it for two builds and then with --summarize FILE for their table; ops/profile.sh runs
// it with --breakdown FILE for where the profiled router's running time went.
BenchArguments arguments;
try
{
    arguments = BenchArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException)
{
    Console.Error.WriteLine($"bench: {e.Message}. Scenarios: {string.Join(", ", Scenarios.Names)}");
    return 2;
}

if (arguments.Summarize is { } lines)
{
    Console.Write(Comparison.Table(File.ReadLines(lines)));
    return 0;
}

if (arguments.Breakdown is { } profile)
{
    Console.Write(ProfileBreakdown.Table(profile));
    return 0;
}

var results = new JsonArray();
foreach (var storage in arguments.Storages)
{
    foreach (var scenario in arguments.Scenarios)
    {
        var result = await Scenarios.RunAsync(scenario, storage, arguments.Router);
        if (arguments.Build is { } build)
        {
            result["build"] = build;
        }

        Console.WriteLine(result.ToJsonString());
        results.Add(result);
    }
}

var report = new JsonObject { ["machine"] = Machine.Describe(), ["router"] = arguments.Router.Executable, ["results"] = results };
Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
return 0;
