using System.Globalization;
using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Procfile;

/// <summary>
/// The Procfile under Foreman (Debian's ruby-foreman, the original Procfile runner; honcho would come from PyPI), on a
/// staged release as a platform receives it. <c>foreman run release</c> is the release phase; <c>foreman start web</c>
/// runs the web process alone, since a runner stops every process once one of them ends, as the release phase does.
/// The runner's env file is what a developer writes locally: <c>ROUTER_ENV=local</c> and an
/// <c>HTTP_ENDPOINT</c> on loopback, of which the web process keeps the host and takes the port from $PORT.
/// </summary>
public sealed class ProcfileTests : IDisposable
{
    private const int DrainSeconds = 5;
    private readonly string _directory = Directory.CreateTempSubdirectory("router-procfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_release_phase_passes_a_good_configuration_and_refuses_a_bad_one_with_exit_code_2()
    {
        var release = await StageAsync();

        await using var good = Foreman(release, EnvFile("ROUTER_ENV=local\n"), "run", "release");
        Assert.Equal(0, await good.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal("valid", Assert.Single(good.EventsNamed("config.checked"))["status"]!.GetValue<string>());
        Assert.Empty(good.EventsNamed("router.starting"));

        await using var bad = Foreman(release, EnvFile("ROUTER_ENV=local\nRETRY_MAX_ATTEMPTS=0\n"), "run", "release");
        Assert.Equal(2, await bad.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal("RETRY_MAX_ATTEMPTS", Assert.Single(bad.EventsNamed("config.guard"))["key"]!.GetValue<string>());
        Assert.Contains(bad.StandardError, line => line.Contains("the config guard refused the configuration", StringComparison.Ordinal));
        Assert.Empty(bad.EventsNamed("router.starting"));
    }

    [Fact]
    public async Task The_web_process_serves_healthz_on_PORT_on_the_host_of_HTTP_ENDPOINT_and_drains_on_SIGTERM()
    {
        var release = await StageAsync();
        var port = FreePort.Next();
        var elsewhere = FreePort.Next();
        var file = EnvFile(string.Create(CultureInfo.InvariantCulture, $"""
            ROUTER_ENV=local
            HTTP_ENDPOINT=127.0.0.1:{elsewhere}
            DASHBOARD_ENDPOINT=127.0.0.1:{FreePort.Next()}
            METRICS_ENDPOINT=127.0.0.1:{FreePort.Next()}
            SILO_PORT={FreePort.Next()}
            GATEWAY_PORT={FreePort.Next()}
            SHUTDOWN_DRAIN_SECONDS={DrainSeconds}

            """));

        // The runner's stop timeout covers the drain and the silo's 5 s beyond it.
        await using var foreman = Foreman(release, file, "start", "web", "--port", $"{port}", "--timeout", $"{DrainSeconds + 15}");
        var health = await foreman.WaitForHealthyAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(Path.GetFileName(release), health["build"]!["sha"]!.GetValue<string>());
        Assert.Contains($"HTTP on 127.0.0.1:{port}", foreman.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("off loopback", foreman.Output, StringComparison.Ordinal);

        foreman.Terminate();
        Assert.Equal(0, await foreman.WaitForExitAsync(TimeSpan.FromSeconds(DrainSeconds + 30)));
        Assert.Contains("\"event\":\"router.drained\"", foreman.Output, StringComparison.Ordinal);
        Assert.Matches(@"web\.1 +\| exited with code 0", foreman.Output);
    }

    private async Task<string> StageAsync()
    {
        var id = ReleaseStage.NewId();
        return await ReleaseStage.StageAsync(Path.Combine(_directory, id), id);
    }

    private string EnvFile(string text)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.env");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Foreman on the release's Procfile with <paramref name="envFile"/> as its .env; the silo's URL is on PORT.</summary>
    private static RouterProcess Foreman(string release, string envFile, params string[] args)
    {
        var foreman = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(directory => Path.Combine(directory, "foreman"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("foreman is missing: ops/test.sh installs it (Debian's ruby-foreman)");
        var port = args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() ?? $"{FreePort.Next()}";

        // The runner's own options go between its command and the process name.
        string[] options = ["--procfile", Path.Combine(release, "Procfile"), "--root", release, "--env", envFile];
        return RouterProcess.StartProgram(
            foreman,
            new Dictionary<string, string> { ["HTTP_ENDPOINT"] = $"127.0.0.1:{port}" },
            [args[0], .. options, .. args[1..]]);
    }
}
