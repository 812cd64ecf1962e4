using System.Security.Cryptography;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Support;

/// <summary>Release trees as <c>ops/stage-release.sh</c> lays them out for an artifact, the image and a VM install.</summary>
internal static class ReleaseStage
{
    /// <summary>The first stage in a clone publishes the router: minutes on a busy machine. Later ones copy it.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>A release id shaped as a git SHA, different in its first characters from any other.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>Stages the current sources as release <paramref name="id"/> in <paramref name="directory"/>.</summary>
    public static async Task<string> StageAsync(string directory, string id)
    {
        var stage = Path.Combine(RouterProcess.RepositoryRoot(), "ops", "stage-release.sh");
        var result = await Command.RunAsync("bash", [stage, directory, "--id", id], Timeout);
        Assert.True(result.ExitCode == 0, $"stage-release.sh staged {id}:\n{result}");
        return directory;
    }

    /// <summary>A release's digest, as ops/lib.sh computes it: the SHA-256 of its SHA256SUMS.</summary>
    public static string Digest(string release) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(release, "SHA256SUMS"))));
}
