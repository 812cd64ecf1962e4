namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Where a key's value comes from: the process environment wins over the env file, the file over the
/// environment's defaults. An empty value counts as not set, so a copied <c>.env.example</c> changes nothing.
/// </summary>
public sealed class ConfigLayers(
    IReadOnlyDictionary<string, string> process,
    IReadOnlyDictionary<string, string> file,
    string? fileDirectory)
{
    public RouterEnvironment? Environment { get; set; }

    public string? this[string key] => Explicit(key) ?? EnvironmentDefaults.For(Environment, key);

    /// <summary>The value set by the process or the file, without defaults.</summary>
    public string? Explicit(string key) => NonEmpty(process.GetValueOrDefault(key)) ?? NonEmpty(file.GetValueOrDefault(key));

    /// <summary>Relative paths in the env file are relative to the file, so a start works from any directory.</summary>
    public string ResolvePath(string key, string path)
    {
        var fromFile = NonEmpty(process.GetValueOrDefault(key)) is null && NonEmpty(file.GetValueOrDefault(key)) is not null;
        return Path.IsPathRooted(path) || !fromFile || fileDirectory is null ? Path.GetFullPath(path) : Path.GetFullPath(Path.Combine(fileDirectory, path));
    }

    public IEnumerable<string> FileKeys => file.Keys;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
