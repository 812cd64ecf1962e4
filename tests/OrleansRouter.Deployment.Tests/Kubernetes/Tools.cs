using System.Diagnostics;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>What a program printed and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

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

    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> args, string? standardInput = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = OrleansRouter.Testing.RouterProcess.RepositoryRoot(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }
}
