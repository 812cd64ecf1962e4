namespace OrleansRouter.Media;

/// <summary>
/// The media types an agent takes, from its card's <c>defaultInputModes</c> and every skill's <c>inputModes</c>: the
/// router does not choose a skill, so a file goes where any of them takes it. A mode is a media type (<c>image/png</c>),
/// a range (<c>image/*</c>, <c>*/*</c>), or the bare word <c>text</c> some cards use. A card that names no mode at all
/// has said nothing about files, and is sent text only.
/// </summary>
public sealed class MediaModes
{
    private readonly string[] _modes;

    public MediaModes(IEnumerable<string> modes) =>
        _modes = [.. modes.Select(m => m.Trim().ToLowerInvariant()).Where(m => m.Length > 0).Distinct()];

    public static MediaModes TextOnly { get; } = new([]);

    public IReadOnlyList<string> Modes => _modes;

    public bool Accepts(string mediaType)
    {
        var type = mediaType.Trim().ToLowerInvariant();
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        var family = slash > 0 ? type[..slash] : type;
        return _modes.Any(mode => mode == type || mode == "*/*" || mode == "*" || mode == $"{family}/*");
    }

    /// <summary>What the agent takes, for a user: the media types apart from text, or that it takes text only.</summary>
    public string Describe()
    {
        var files = _modes.Where(m => m is not ("text" or "text/plain")).ToArray();
        return files.Length == 0 ? "text only" : $"text and {string.Join(", ", files)}";
    }
}
