using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// The programs these tests run: kubectl (its kustomize renders the manifests) and node (the schema validator).
/// A missing one fails the test with what to install; it never skips it.
/// </summary>
public static class Tools
{
    public const string KubectlHint = "install kubectl 1.32 or later (it carries kustomize 5.5); the Kubernetes tests render the manifests with `kubectl kustomize`";

    public const string NodeHint = "install Node.js 20 or later, then `npm ci --prefix tests/tools/k8s-validate`";

    /// <summary>The full path of <paramref name="name"/> on <paramref name="searchPath"/> (default: PATH).</summary>
    public static string Find(string name, string hint, string? searchPath = null)
    {
        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"`{name}` is not on PATH: {hint}.");
    }

    public static Task<CommandResult> RunAsync(string program, IEnumerable<string> args, string? standardInput = null, TimeSpan? timeout = null) =>
        Command.RunAsync(program, args, timeout ?? TimeSpan.FromMinutes(2), RouterProcess.RepositoryRoot(), standardInput: standardInput);
}
