using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// <c>/metrics</c> during a run with replies, a rate-limited message and a fatal agent failure: each of the router's
/// metrics moves as it should, <c>promtool check metrics</c> accepts the scrape, and <c>--emit-metrics stdout</c>
/// prints the same metrics as JSON lines.
/// </summary>
public sealed partial class MetricsTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _directory = Directory.CreateTempSubdirectory("router-metrics-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Each_metric_moves_with_the_traffic_and_promtool_accepts_the_scrape()
    {
        await using var agent = await A2ATestAgent.StartAsync();
        agent.Answer = call => call.Text.StartsWith("fatal", StringComparison.Ordinal)
            ? new AgentAnswer.RpcError(-32602, "invalid params")
            : new AgentAnswer.Result(agent.MessageResult($"reply: {call.Text}", call.ContextId ?? "c"));
        var personas = Path.Combine(_directory, "personas.json");
        File.WriteAllText(personas, $$"""
            { "default_persona": "tester",
              "personas": { "tester": { "agent_url": "{{agent.BaseUrl.AbsoluteUri}}", "rate_window": { "window": "1h", "max_per_chat": 3 } } } }
            """);
        var metricsUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/metrics");
        await using var router = RouterProcess.Start(
            new Dictionary<string, string>
            {
                ["ROUTER_ENV"] = "local",
                ["PERSONA_MAP_FILE"] = personas,
                ["METRICS_ENDPOINT"] = metricsUrl.Authority,
                ["METRICS_EMIT_SECONDS"] = "1",
                ["BUILD_SHA"] = "e2e0123",
            },
            "--emit-metrics", "stdout");
        await router.WaitForHealthyAsync();
        var before = Parse(await Http.GetStringAsync(metricsUrl));

        for (var i = 1; i <= 4; i++)
        {
            await PostAsync(router, 501, $"hello {i}");
        }

        await PostAsync(router, 502, "fatal please");
        // A reply is counted when Telegram took it; its message leaves the queue with the write after that.
        await Traffic.WaitUntilAsync(
            async () => Parse(await Http.GetStringAsync(metricsUrl)) is var scrape
                && Value(scrape, "latency_round_trip_ms_count") >= 5 && Value(scrape, "queue_depth") == 0,
            TimeSpan.FromSeconds(60),
            () => "five replies (three answers, a rate-limit notice, a failure notice) counted and the queue empty");
        var after = Parse(await Http.GetStringAsync(metricsUrl));

        Assert.Equal(0, Value(before, "latency_round_trip_ms_count"));
        Assert.Equal(5, Value(after, "latency_round_trip_ms_count"));
        Assert.Equal(5, Value(after, "latency_round_trip_ms_bucket", "le=\"+Inf\""));
        Assert.True(Value(after, "latency_round_trip_ms_sum") > 0);
        Assert.Equal(1, Value(after, "rate_limit_hit_total", "persona=\"tester\""));
        Assert.Equal(1, Value(after, "a2a_failure_total", "classification=\"fatal\"", "persona=\"tester\""));
        Assert.Equal(5, Value(after, "telegram_send_total", "result=\"ok\""));
        Assert.Equal(0, Value(after, "queue_depth"));
        Assert.True(Value(after, "router_uptime_seconds") > Value(before, "router_uptime_seconds"));
        Assert.Equal(1, Value(after, "router_ready"));
        var manifestHash = Assert.Single(router.EventsNamed("deploy.audit"))["config_manifest_hash"]!.GetValue<string>();
        var build = Assert.Single(after["router_build_info"]);
        Assert.Equal(1, build.Value);
        var buildLabels = Labels(build.Labels).Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["build_sha=\"e2e0123\"", $"config_manifest_hash=\"{manifestHash}\""], buildLabels.SkipLast(1));
        Assert.Matches(@"^version=""\d+\.\d+\.\d+""$", buildLabels[^1]);
        Assert.Contains(after.Keys, name => name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(after.Keys, name => name.StartsWith("process_runtime_dotnet_", StringComparison.Ordinal) || name.StartsWith("dotnet_", StringComparison.Ordinal));

        // The alert rules and the Grafana dashboards use the names the router serves.
        var used = MetricNamesUsedInDeploy();
        Assert.Contains("latency_round_trip_ms_bucket", used);
        Assert.All(used, name => Assert.True(after.ContainsKey(name), $"{name} is used in deploy/ but /metrics does not serve it"));

        // promtool exits 1 when the scrape does not parse, 3 when it only has naming advice. The advice for the
        // router's own metrics is only the one its design asks for: the runbook's name latency_round_trip_ms.
        var (exitCode, output) = await PromtoolCheckAsync(await Http.GetStringAsync(metricsUrl));
        Assert.True(exitCode is 0 or 3, output);
        var ours = new[] { "latency_round_trip_ms", "queue_depth", "a2a_failure_total", "router_uptime_seconds", "rate_limit_hit_total", "telegram_send_total", "router_build_info", "router_ready" };
        Assert.Equal(
            ["latency_round_trip_ms metric names should not contain abbreviated units"],
            output.Split('\n').Where(line => ours.Any(name => line.StartsWith(name + " ", StringComparison.Ordinal))).ToList());

        // The same metrics as JSON lines on stdout.
        await Traffic.WaitUntilAsync(
            () => Task.FromResult(Snapshot(router, "a2a_failure") is not null),
            TimeSpan.FromSeconds(30),
            () => "a metrics.snapshot line of a2a_failure");
        var failures = Snapshot(router, "a2a_failure")!;
        Assert.Equal("counter", failures["type"]!.GetValue<string>());
        Assert.Equal(1, failures["points"]![0]!["value"]!.GetValue<long>());
        Assert.Equal("fatal", failures["points"]![0]!["labels"]!["classification"]!.GetValue<string>());
        var ready = Snapshot(router, "router_ready")!;
        Assert.Equal("gauge", ready["type"]!.GetValue<string>());
        Assert.Equal(1, ready["points"]![0]!["value"]!.GetValue<long>());
        var buildInfo = Snapshot(router, "router_build_info")!["points"]![0]!;
        Assert.Equal(1, buildInfo["value"]!.GetValue<long>());
        Assert.Equal("e2e0123", buildInfo["labels"]!["build_sha"]!.GetValue<string>());
        Assert.Equal(manifestHash, buildInfo["labels"]!["config_manifest_hash"]!.GetValue<string>());
        Assert.Equal(buildLabels[^1], $"version=\"{buildInfo["labels"]!["version"]!.GetValue<string>()}\"");
    }

    /// <summary>The <c>name="value"</c> pairs of a sample's label text.</summary>
    private static IEnumerable<string> Labels(string labels) => LabelPair().Matches(labels).Select(m => m.Value);

    /// <summary>The metric names in the expressions of deploy/prometheus/alerts.yml and deploy/grafana/*.json.</summary>
    private static IReadOnlySet<string> MetricNamesUsedInDeploy()
    {
        var deploy = Path.Combine(RouterProcess.RepositoryRoot(), "deploy");
        var expressions = AlertExpressions(File.ReadAllLines(Path.Combine(deploy, "prometheus", "alerts.yml")))
            .Concat(Directory.GetFiles(Path.Combine(deploy, "grafana"), "*.json").SelectMany(file => Expressions(JsonNode.Parse(File.ReadAllText(file)))));
        string[] families = ["latency_round_trip_ms", "queue_depth", "a2a_failure", "router_", "rate_limit_hit", "telegram_send", "orleans_"];
        return expressions.SelectMany(e => Identifier().Matches(e).Select(m => m.Value))
            .Where(token => families.Any(family => token.StartsWith(family, StringComparison.Ordinal)))
            .ToHashSet();
    }

    /// <summary>Each <c>expr:</c> of a rules file, on its line or as a block (<c>expr: |</c>) on the more indented lines below.</summary>
    private static IEnumerable<string> AlertExpressions(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (AlertExpression().Match(lines[i]) is not { Success: true } match)
            {
                continue;
            }

            var expr = match.Groups["expr"].Value.Trim();
            if (expr is ['|' or '>', ..])
            {
                var indent = match.Groups["indent"].Value.Length;
                var block = lines.Skip(i + 1).TakeWhile(line => line.Trim().Length == 0 || line.Length - line.TrimStart().Length > indent);
                expr = string.Join("\n", block);
            }

            yield return expr;
        }
    }

    private static IEnumerable<string> Expressions(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "expr" && p.Value is JsonValue v ? [v.GetValue<string>()] : Expressions(p.Value)),
        JsonArray a => a.SelectMany(Expressions),
        _ => [],
    };

    private static JsonObject? Snapshot(RouterProcess router, string metric) =>
        router.EventsNamed("metrics.snapshot").LastOrDefault(e => e["metric"]?.GetValue<string>() == metric);

    private static async Task PostAsync(RouterProcess router, long chat, string text)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(router.HttpUrl, $"/stub/chats/{chat}/messages"), new { text });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every sample line of a scrape, by its name and labels.</summary>
    private static Dictionary<string, List<(string Labels, double Value)>> Parse(string scrape) =>
        Sample().Matches(scrape)
            .GroupBy(m => m.Groups["name"].Value)
            .ToDictionary(g => g.Key, g => g.Select(m => (m.Groups["labels"].Value, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))).ToList());

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels hold every one of <paramref name="labels"/>.</summary>
    private static double Value(Dictionary<string, List<(string Labels, double Value)>> scrape, string name, params string[] labels) =>
        scrape.TryGetValue(name, out var samples) ? samples.Where(s => labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value) : 0;

    private static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string scrape)
    {
        var start = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (ops/test.sh installs it: Debian's prometheus)");
        await promtool.StandardInput.WriteAsync(scrape);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, output);
    }

    [GeneratedRegex(@"^(?<indent>\s*)expr:\s*(?<expr>.+)$")]
    private static partial Regex AlertExpression();

    [GeneratedRegex(@"[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*""")]
    private static partial Regex LabelPair();

    [GeneratedRegex("[a-z_][a-z0-9_]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
