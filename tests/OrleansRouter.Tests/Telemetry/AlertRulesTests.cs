using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansRouter.Tests.Telemetry;

/// <summary>
/// deploy/prometheus/alerts.yml is valid, its unit tests (alerts.test.yml) fire and hold each alert as meant, every
/// alert has a test that fires it, and every query of the Grafana dashboards is PromQL that Prometheus parses.
/// </summary>
public sealed partial class AlertRulesTests : IDisposable
{
    private static readonly string Deploy = Path.Combine(OrleansRouter.Testing.RouterProcess.RepositoryRoot(), "deploy");
    private static readonly string Rules = Path.Combine(Deploy, "prometheus");

    private readonly string _directory = Directory.CreateTempSubdirectory("router-promql-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Promtool_accepts_the_rules()
    {
        var (exitCode, output) = await PromtoolAsync(Rules, "check", "rules", "alerts.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_alert_fires_and_holds_as_its_unit_tests_say()
    {
        var (exitCode, output) = await PromtoolAsync(Rules, "test", "rules", "alerts.test.yml");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_in_which_it_fires()
    {
        var tests = File.ReadAllText(Path.Combine(Rules, "alerts.test.yml"));
        var fired = FiringTest().Matches(tests).Select(m => m.Groups["alert"].Value).ToHashSet();

        Assert.Equal(7, AlertNames().Count);
        Assert.All(AlertNames(), alert => Assert.True(fired.Contains(alert), $"no test in alerts.test.yml expects {alert} to fire"));
    }

    [Fact]
    public async Task Every_dashboard_query_is_PromQL_that_promtool_parses()
    {
        var queries = Directory.GetFiles(Path.Combine(Deploy, "grafana"), "*.json")
            .SelectMany(file => Expressions(JsonNode.Parse(File.ReadAllText(file))).Select(expr => (File: Path.GetFileName(file), Expr: expr)))
            .ToList();
        // Each query becomes a recording rule, with Grafana's variables given values a user could pick.
        var rules = string.Concat(queries.Select((q, i) =>
            $"      - record: dashboard:query_{i}\n        # {q.File}\n        expr: '{GrafanaVariable().Replace(q.Expr, m => m.Value.Contains("__", StringComparison.Ordinal) ? "5m" : ".*").Replace("'", "''", StringComparison.Ordinal)}'\n"));
        File.WriteAllText(Path.Combine(_directory, "dashboards.yml"), $"groups:\n  - name: dashboards\n    rules:\n{rules}");

        var (exitCode, output) = await PromtoolAsync(_directory, "check", "rules", "dashboards.yml");

        Assert.Contains(queries, q => q.File == "router_rollouts.json" && q.Expr.Contains("router_build_info", StringComparison.Ordinal));
        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {queries.Count} rules found", output, StringComparison.Ordinal);
    }

    private static List<string> AlertNames() =>
        AlertName().Matches(File.ReadAllText(Path.Combine(Rules, "alerts.yml"))).Select(m => m.Groups["alert"].Value).ToList();

    private static IEnumerable<string> Expressions(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "expr" && p.Value is JsonValue v ? [v.GetValue<string>()] : Expressions(p.Value)),
        JsonArray a => a.SelectMany(Expressions),
        _ => [],
    };

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var promtool = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (ops/test.sh installs it: Debian's prometheus)");
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, output);
    }

    [GeneratedRegex(@"^\s*- alert: (?<alert>\w+)", RegexOptions.Multiline)]
    private static partial Regex AlertName();

    /// <summary>An <c>alertname:</c> whose <c>exp_alerts</c> list at least one alert.</summary>
    [GeneratedRegex(@"alertname: (?<alert>\w+)\s*\n\s*exp_alerts:\s*\n\s*- exp_labels")]
    private static partial Regex FiringTest();

    /// <summary>A Grafana template variable: <c>$instance</c>, <c>${instance}</c>, <c>$__rate_interval</c>.</summary>
    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex GrafanaVariable();
}
