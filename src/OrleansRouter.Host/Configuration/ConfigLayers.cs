namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Where a key's value comes from: the process environment wins over the env files, a later file over an earlier
/// one, the files over what a command-line flag implies, and that over the catalog's default for the environment.
/// An empty value counts as not set, so a copied <c>.env.example</c> changes nothing.
/// </summary>
/// <param name="fileDirectories">For each key set by a file, the directory of the file that set it.</param>
/// <param name="flags">Values a command-line flag implies unless the configuration says otherwise (<c>--otel</c>).</param>
public sealed class ConfigLayers(
    IReadOnlyDictionary<string, string> process,
    IReadOnlyDictionary<string, string> file,
    IReadOnlyDictionary<string, string> fileDirectories,
    IReadOnlyDictionary<string, string>? flags = null)
{
    public RouterEnvironment? Environment { get; set; }

    public string? this[string key] => Explicit(key) ?? flags?.GetValueOrDefault(key) ?? ConfigKeys.DefaultFor(Environment, key);

    /// <summary>The value set by the process or the file, without defaults.</summary>
    public string? Explicit(string key) => NonEmpty(process.GetValueOrDefault(key)) ?? NonEmpty(file.GetValueOrDefault(key));

    /// <summary>Relative paths in an env file are relative to that file, so a start works from any directory.</summary>
    public string ResolvePath(string key, string path)
    {
        var fromFile = NonEmpty(process.GetValueOrDefault(key)) is null && NonEmpty(file.GetValueOrDefault(key)) is not null;
        return Path.IsPathRooted(path) || !fromFile || !fileDirectories.TryGetValue(key, out var directory)
            ? Path.GetFullPath(path)
            : Path.GetFullPath(Path.Combine(directory, path));
    }

    public IEnumerable<string> FileKeys => file.Keys;

    /// <summary>Every name set by the process or a file that belongs to the catalog, such as each A2A token.</summary>
    public IEnumerable<string> ExplicitNames =>
        process.Keys.Concat(file.Keys).Distinct(StringComparer.Ordinal).Where(k => Explicit(k) is not null && ConfigKeys.Find(k) is not null);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
