using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Launch;

/// <summary>
/// The options of <c>ops/start-silo.sh</c> from a checkout, as an operator passes them: several <c>--env-file</c>s
/// layered in order, <c>--emit-metrics stdout</c>, <c>--check-only</c>, and refusals with exit code 2.
/// </summary>
public sealed class StartSiloOptionsTests : IDisposable
{
    /// <summary>The first start in a clone publishes the router: minutes on a busy machine.</summary>
    private static readonly TimeSpan FirstStart = TimeSpan.FromMinutes(8);

    private readonly string _directory = Directory.CreateTempSubdirectory("router-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Env_files_are_layered_in_order_over_the_environments_file_and_under_the_process_environment()
    {
        var first = EnvFile("SHUTDOWN_DRAIN_SECONDS=11\nQUEUE_MAX_DEPTH_PER_CHAT=7\n");
        var second = EnvFile("SHUTDOWN_DRAIN_SECONDS=12\n");

        var both = await CheckAsync([], "--env-file", first, "--env-file", second);
        var reversed = await CheckAsync([], "--env-file", second, "--env-file", first);
        var secondOnly = await CheckAsync([], "--env-file", second);
        var none = await CheckAsync([]);
        var overridden = await CheckAsync(new() { ["SHUTDOWN_DRAIN_SECONDS"] = "13" }, "--env-file", first, "--env-file", second);

        // A later file wins; a key only the earlier one sets still counts; deploy/configs/local.env says 30.
        Assert.Equal(12, both.Drain);
        Assert.Equal(11, reversed.Drain);
        Assert.Equal(12, secondOnly.Drain);
        Assert.NotEqual(secondOnly.Manifest, both.Manifest);
        Assert.Equal(30, none.Drain);
        Assert.Equal(13, overridden.Drain);
    }

    [Fact]
    public async Task Check_only_runs_the_guard_alone_with_exit_code_0_or_2_and_starts_no_silo()
    {
        await using var good = RouterProcess.StartSiloScript("local", new Dictionary<string, string>(), "--check-only");
        Assert.Equal(0, await good.WaitForExitAsync(FirstStart));
        Assert.Equal("valid", Assert.Single(good.EventsNamed("config.checked"))["status"]!.GetValue<string>());
        Assert.Empty(good.EventsNamed("router.starting"));

        await using var bad = RouterProcess.StartSiloScript("local", new Dictionary<string, string>(), "--env-file", EnvFile("RETRY_MAX_ATTEMPTS=0\n"), "--check-only");
        Assert.Equal(2, await bad.WaitForExitAsync(FirstStart));
        Assert.Equal("RETRY_MAX_ATTEMPTS", Assert.Single(bad.EventsNamed("config.guard"))["key"]!.GetValue<string>());
        Assert.Empty(bad.EventsNamed("router.starting"));
    }

    [Fact]
    public async Task Emit_metrics_stdout_prints_metric_snapshots_as_JSON_lines_between_the_log_lines()
    {
        await using var silo = RouterProcess.StartSiloScript(
            "local", new Dictionary<string, string> { ["METRICS_EMIT_SECONDS"] = "1", ["SHUTDOWN_DRAIN_SECONDS"] = "5" }, "--emit-metrics", "stdout");
        await silo.WaitForHealthyAsync(FirstStart);

        await Wait.UntilAsync(
            () => silo.EventsNamed("metrics.snapshot").Any(e => e["metric"]?.GetValue<string>() == "router_uptime_seconds"),
            TimeSpan.FromMinutes(1),
            () => $"a metrics.snapshot of router_uptime_seconds on stdout:\n{silo.Output}");

        var uptime = silo.EventsNamed("metrics.snapshot").Last(e => e["metric"]!.GetValue<string>() == "router_uptime_seconds");
        Assert.Equal("gauge", uptime["type"]!.GetValue<string>());
        Assert.True(uptime["points"]![0]!["value"]!.GetValue<double>() > 0);
        Assert.NotEmpty(silo.EventsNamed("deploy.audit"));

        silo.Interrupt();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("local --frobnicate", "unknown option '--frobnicate'")]
    [InlineData("local --emit-metrics file", "--emit-metrics takes stdout")]
    [InlineData("local --emit-metrics", "--emit-metrics needs a value")]
    [InlineData("local --env-file /nonexistent/router.env", "no such env file: /nonexistent/router.env")]
    [InlineData("qa", "unknown environment 'qa'")]
    [InlineData("", "name the environment: local, staging or production")]
    public async Task An_unknown_option_or_value_exits_with_code_2_and_the_usage(string arguments, string reason)
    {
        var script = Path.Combine(RouterProcess.RepositoryRoot(), "ops", "start-silo.sh");

        var refused = await Command.RunAsync("bash", [script, .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)], TimeSpan.FromMinutes(1));

        Assert.True(refused.ExitCode == 2, $"start-silo.sh refuses:\n{refused}");
        Assert.Contains($"start-silo: {reason}", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("./ops/start-silo.sh <local|staging|production>", refused.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("set -euo", refused.StandardError, StringComparison.Ordinal);
        Assert.Empty(refused.StandardOutput);
    }

    private string EnvFile(string text)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.env");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The guard's verdict on the layers the arguments give: the drain it read and the manifest hash.</summary>
    private static async Task<(int Drain, string Manifest)> CheckAsync(Dictionary<string, string> environment, params string[] args)
    {
        await using var check = RouterProcess.StartSiloScript("local", environment, [.. args, "--check-only"]);
        Assert.Equal(0, await check.WaitForExitAsync(FirstStart));
        var verdict = Assert.Single(check.EventsNamed("config.checked"));
        return (verdict["shutdown_drain_seconds"]!.GetValue<int>(), verdict["config_manifest_hash"]!.GetValue<string>());
    }
}
