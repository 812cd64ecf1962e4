using System.Diagnostics;

namespace OrleansRouter.Tests.Telemetry;

/// <summary>deploy/prometheus/alerts.yml is valid, and its unit tests (alerts.test.yml) fire and hold each alert as meant.</summary>
public sealed class AlertRulesTests
{
    private static readonly string Rules = Path.Combine(OrleansRouter.Testing.RouterProcess.RepositoryRoot(), "deploy", "prometheus");

    [Fact]
    public async Task Promtool_accepts_the_rules()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", "alerts.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 4 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_alert_fires_and_holds_as_its_unit_tests_say()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", "alerts.test.yml");

        Assert.True(exitCode == 0, output);
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = Rules, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var promtool = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (ops/test.sh installs it: Debian's prometheus)");
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, output);
    }
}
