using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// <c>ops/start-silo.sh</c> as an operator runs it, from another directory: the guard refuses a bad configuration,
/// a good one comes up healthy, and SIGINT drains the silo and ends the script with the silo's exit code.
/// One class, so its tests never publish the router at the same time.
/// </summary>
public sealed class StartSiloScriptTests : IDisposable
{
    private const int DrainSeconds = 8;
    private readonly string _directory = Directory.CreateTempSubdirectory("router-start-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string EnvFile(string text)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.env");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_bad_configuration_is_refused_before_a_silo_starts()
    {
        var file = EnvFile("QUEUE_MAX_DEPTH_PER_CHAT=many\nRETRY_MAX_ATTEMPTS=0\n");

        await using var script = RouterProcess.StartSiloScript("local", new Dictionary<string, string>(), "--env-file", file);

        // The first start in a clone publishes the router: minutes on a busy machine.
        Assert.Equal(2, await script.WaitForExitAsync(TimeSpan.FromMinutes(6)));
        Assert.Equal(["QUEUE_MAX_DEPTH_PER_CHAT", "RETRY_MAX_ATTEMPTS"], script.EventsNamed("config.guard").Select(e => e["key"]!.GetValue<string>()));
        Assert.Contains(script.StandardError, line => line.Contains("the config guard refused the configuration; not starting", StringComparison.Ordinal));
        Assert.Empty(script.EventsNamed("router.starting"));
    }

    [Fact]
    public async Task A_good_configuration_comes_up_healthy_and_SIGINT_drains_it_to_exit_code_0()
    {
        // --otel towards a collector that is not there: exporting must never hold the silo up.
        var file = EnvFile($"SHUTDOWN_DRAIN_SECONDS={DrainSeconds}\nLOG_LEVEL=Information\nOTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{FreePort.Next()}\n");

        await using var script = RouterProcess.StartSiloScript(
            "local", new Dictionary<string, string>(), "--env-file", file, "--log-format", "json", "--otel", "--digest", "sha256:e2e-digest");
        await script.WaitForHealthyAsync(TimeSpan.FromMinutes(6));

        var audit = Assert.Single(script.EventsNamed("deploy.audit"));
        Assert.Equal("sha256:e2e-digest", audit["image_digest"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", audit["lock_sha256"]!.GetValue<string>());
        Assert.Equal(Assert.Single(script.EventsNamed("config.checked"))["config_manifest_hash"]!.GetValue<string>(), audit["config_manifest_hash"]!.GetValue<string>());

        var stopping = DateTimeOffset.UtcNow;
        script.Interrupt();
        Assert.Equal(0, await script.WaitForExitAsync(TimeSpan.FromSeconds(DrainSeconds + 20)));
        Assert.InRange(DateTimeOffset.UtcNow - stopping, TimeSpan.Zero, TimeSpan.FromSeconds(DrainSeconds + 5));
        Assert.NotEmpty(script.EventsNamed("router.drained"));
        Assert.Equal(0, (await script.HealthAsync()).Status);
    }
}
