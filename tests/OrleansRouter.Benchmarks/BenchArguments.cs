namespace OrleansRouter.Benchmarks;

/// <summary>
/// The command line of <c>ops/bench.sh</c>:
/// <c>[--scenario NAME]... [--storage memory|redis|both] [--router PATH] [--router-env KEY=VALUE]... [--build LABEL]</c>,
/// or <c>--summarize FILE</c> to compare the labelled result lines of before/after runs, or <c>--breakdown FILE</c> to
/// read a profile (<see cref="ProfileBreakdown"/>).
/// </summary>
/// <param name="Build">Written into every result line as <c>build</c>, so runs of two builds can be told apart.</param>
/// <param name="Summarize">A file of result lines labelled <c>before</c> and <c>after</c>: print their comparison, run nothing.</param>
/// <param name="Breakdown">A speedscope file of <c>ops/profile.sh</c>: print where its running time went, run nothing.</param>
public sealed record BenchArguments(IReadOnlyList<string> Scenarios, IReadOnlyList<string> Storages, RouterBuild Router, string? Build, string? Summarize, string? Breakdown)
{
    public static BenchArguments Parse(string[] args)
    {
        var scenarios = new List<string>();
        var storages = new List<string> { "memory", "redis" };
        var executable = default(string);
        var environment = new Dictionary<string, string>();
        string? build = null, summarize = null, breakdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--scenario" when i + 1 < args.Length:
                    scenarios.Add(Known(args[++i]));
                    break;
                case "--storage" when i + 1 < args.Length:
                    storages = args[++i] == "both" ? ["memory", "redis"] : [args[i]];
                    break;
                case "--router" when i + 1 < args.Length:
                    executable = RouterBuild.ExecutableAt(args[++i]);
                    break;
                case "--router-env" when i + 1 < args.Length && args[i + 1].Split('=', 2) is [var key, var value]:
                    environment[key] = value;
                    i++;
                    break;
                case "--build" when i + 1 < args.Length:
                    build = args[++i];
                    break;
                case "--summarize" when i + 1 < args.Length:
                    summarize = args[++i];
                    break;
                case "--breakdown" when i + 1 < args.Length:
                    breakdown = args[++i];
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        var router = new RouterBuild(executable ?? RouterBuild.ThisTree.Executable, environment);
        return new BenchArguments(scenarios.Count == 0 ? OrleansRouter.Benchmarks.Scenarios.Names : scenarios, storages, router, build, summarize, breakdown);
    }

    private static string Known(string scenario) =>
        OrleansRouter.Benchmarks.Scenarios.Names.Contains(scenario) ? scenario : throw new ArgumentException($"unknown scenario '{scenario}'");
}
