using System.Security.Cryptography;
using OrleansRouter.Deployment.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Launch;

/// <summary>
/// <c>start-silo.sh --digest</c> in releases installed side by side (PREFIX/releases/&lt;id&gt;, as
/// ops/install-release.sh lays them out): the release it names runs, whichever release's script was called, and a
/// digest no installed release has is refused. A release elsewhere, as the image's /app, records it as the image digest.
/// </summary>
public sealed class DigestTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("router-digest-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Digest_runs_the_installed_release_it_names_with_that_releases_id_and_digest()
    {
        var (a, b) = await InstallTwoAsync();

        await using var silo = RouterProcess.StartProgram("bash", new Dictionary<string, string> { ["SHUTDOWN_DRAIN_SECONDS"] = "5" }, Script(a.Path), "local", "--digest", b.Id[..8]);
        var health = await silo.WaitForHealthyAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(b.Id, health["build"]!["sha"]!.GetValue<string>());
        Assert.Contains(silo.StandardError, line => line == $"start-silo: running release {b.Id}, as --digest asks");
        Assert.All(silo.Events.Where(e => e["build_sha"] is not null), e => Assert.Equal(b.Id, e["build_sha"]!.GetValue<string>()));
        Assert.Equal(ReleaseStage.Digest(b.Path), Assert.Single(silo.EventsNamed("deploy.audit"))["image_digest"]!.GetValue<string>());

        silo.Interrupt();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // By its digest too, and the release asked for by its own script simply runs.
        await using var byDigest = RouterProcess.StartProgram("bash", new Dictionary<string, string>(), Script(a.Path), "local", "--digest", ReleaseStage.Digest(b.Path), "--check-only");
        Assert.Equal(0, await byDigest.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains(byDigest.StandardError, line => line == $"start-silo: running release {b.Id}, as --digest asks");
        await using var itself = RouterProcess.StartProgram("bash", new Dictionary<string, string>(), Script(a.Path), "local", "--digest", a.Id, "--check-only");
        Assert.Equal(0, await itself.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.DoesNotContain(itself.StandardError, line => line.Contains("running release", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ffffffffff")]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("short")]
    public async Task A_digest_no_installed_release_has_exits_with_code_2_naming_the_installed_ones(string digest)
    {
        var (a, b) = await InstallTwoAsync();
        var requested = digest == "short" ? b.Id[..6] : digest;

        var refused = await Command.RunAsync("bash", [Script(a.Path), "local", "--digest", requested], TimeSpan.FromMinutes(1));

        Assert.True(refused.ExitCode == 2, $"start-silo.sh refuses:\n{refused}");
        var installed = string.Join(' ', new[] { a.Id, b.Id }.Order(StringComparer.Ordinal));
        Assert.Contains($"start-silo: no installed release has the id or digest '{requested}' (installed: {installed})", refused.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("config.checked", refused.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_prefix_two_installed_releases_share_exits_with_code_2()
    {
        var releases = Path.Combine(_directory, "releases");
        var shared = ReleaseStage.NewId()[..8];
        foreach (var id in new[] { shared + "1", shared + "2" })
        {
            await ReleaseStage.StageAsync(Path.Combine(releases, id), id);
        }

        var refused = await Command.RunAsync("bash", [Script(Path.Combine(releases, shared + "1")), "local", "--digest", shared], TimeSpan.FromMinutes(1));

        Assert.True(refused.ExitCode == 2, $"start-silo.sh refuses:\n{refused}");
        Assert.Contains($"start-silo: '{shared}' names more than one installed release ({shared}1 {shared}2); give more of the id", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_outside_a_releases_directory_records_the_digest_as_the_image_digest()
    {
        var id = ReleaseStage.NewId();
        var app = await ReleaseStage.StageAsync(Path.Combine(_directory, "app"), id);
        var digest = $"sha256:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";

        await using var silo = RouterProcess.StartProgram("bash", new Dictionary<string, string>(), Script(app), "local", "--digest", digest);
        await Wait.UntilAsync(
            () => silo.EventsNamed("deploy.audit").Any() || silo.HasExited,
            TimeSpan.FromMinutes(3),
            () => $"a deploy.audit event:\n{silo.Output}");

        Assert.False(silo.HasExited && !silo.EventsNamed("deploy.audit").Any(), $"the silo started:\n{silo.Output}");
        var audit = Assert.Single(silo.EventsNamed("deploy.audit"));
        Assert.Equal(digest, audit["image_digest"]!.GetValue<string>());
        Assert.Equal(id, audit["build_sha"]!.GetValue<string>());
    }

    private async Task<((string Id, string Path) A, (string Id, string Path) B)> InstallTwoAsync()
    {
        var releases = Path.Combine(_directory, "releases");
        var a = ReleaseStage.NewId();
        var b = ReleaseStage.NewId();
        return ((a, await ReleaseStage.StageAsync(Path.Combine(releases, a), a)), (b, await ReleaseStage.StageAsync(Path.Combine(releases, b), b)));
    }

    private static string Script(string release) => Path.Combine(release, "ops", "start-silo.sh");
}
