namespace OrleansRouter.Tests.Repository;

/// <summary>
/// The repository stands alone: no doc, comment, script or setting points at the files the project was specified
/// in, which live outside it and are not shipped with it.
/// </summary>
public sealed class SelfContainedRepositoryTests
{
    private static readonly string[] OutsideReferences = ["../shared", "shared/", "DESIGN.md", "STYLE.md", "seed-runbook", "output/34/"];

    /// <summary>Build output, git's own files, and what the build and tests leave in a work tree.</summary>
    private static readonly string[] SkippedDirectories = [".git", "bin", "obj", ".build", "node_modules", "TestResults"];

    [Fact]
    public void No_file_in_the_repository_points_outside_it()
    {
        var root = OrleansRouter.Testing.RouterProcess.RepositoryRoot();
        var self = Path.Combine(root, "tests", "OrleansRouter.Tests", "Repository", $"{nameof(SelfContainedRepositoryTests)}.cs");

        var files = TextFiles(root).Where(file => file != self).ToList();
        var hits = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (File: file, Number: index + 1, Line: line)))
            .Where(l => OutsideReferences.Any(reference => l.Line.Contains(reference, StringComparison.OrdinalIgnoreCase)))
            .Select(l => $"{Path.GetRelativePath(root, l.File)}:{l.Number}: {l.Line.Trim()}")
            .ToList();

        Assert.Contains(files, file => file.EndsWith("README.md", StringComparison.Ordinal));
        Assert.Contains(files, file => file.EndsWith(Path.Combine("docs", "runbook.md"), StringComparison.Ordinal));
        Assert.True(hits.Count == 0, $"references to files outside the repository:\n{string.Join("\n", hits)}");
    }

    private static IEnumerable<string> TextFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory).Where(IsText))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(directory).Where(d => !SkippedDirectories.Contains(Path.GetFileName(d))))
        {
            foreach (var file in TextFiles(child))
            {
                yield return file;
            }
        }
    }

    /// <summary>A file without a NUL byte in its first 8 KiB; a PNG or a DLL has one.</summary>
    private static bool IsText(string file)
    {
        var buffer = new byte[8192];
        using var stream = File.OpenRead(file);
        var read = stream.Read(buffer);
        return !buffer.AsSpan(0, read).Contains((byte)0);
    }
}
