namespace OrleansRouter.Media;

/// <summary>How the router takes the files users send (<c>MEDIA_*</c>, <c>ALBUM_WAIT_MS</c>).</summary>
public sealed record MediaOptions
{
    /// <summary>The most a bot may download from Telegram (getFile): 20 MB.</summary>
    public const long TelegramDownloadLimit = 20 * 1024 * 1024;

    /// <summary>The largest file forwarded to an agent; a larger one gets a notice, never a download.</summary>
    public long MaxBytes { get; init; } = TelegramDownloadLimit;

    /// <summary>How long fetching one file from Telegram may take before the attempt counts as failed (and is tried again).</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an album waits after its latest part arrived before it goes to the agent: Telegram sends each of an
    /// album's photos as an update of its own, usually within milliseconds of each other.
    /// </summary>
    public TimeSpan AlbumWait { get; init; } = TimeSpan.FromSeconds(1);
}
