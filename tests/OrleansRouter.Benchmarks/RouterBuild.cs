using OrleansRouter.Testing;

namespace OrleansRouter.Benchmarks;

/// <summary>
/// The router the benchmark starts: an <c>orleans-router.dll</c> (this tree's by default, or another commit's for a
/// before/after comparison), and settings added to every router it starts (a profiler's, say).
/// </summary>
public sealed record RouterBuild(string Executable, IReadOnlyDictionary<string, string> Environment)
{
    public static RouterBuild ThisTree { get; } = new(RouterProcess.BuiltExecutable(), new Dictionary<string, string>());

    /// <param name="path">A built <c>orleans-router.dll</c>, or a build or publish directory holding one.</param>
    public static string ExecutableAt(string path)
    {
        var executable = Directory.Exists(path) ? Path.Combine(path, "orleans-router.dll") : path;
        return File.Exists(executable) ? Path.GetFullPath(executable) : throw new FileNotFoundException("No router at --router.", executable);
    }
}
