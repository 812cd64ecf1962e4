using OrleansRouter.Media;

namespace OrleansRouter.Host.Configuration;

/// <summary>How large a user's file may be, how long its download may take, and how long an album gathers.</summary>
public static class MediaSettingsReader
{
    public static MediaOptions? Read(ConfigValues values)
    {
        var maxBytes = values.WholeNumber(ConfigKeys.MediaMaxBytes);
        var timeout = values.Seconds(ConfigKeys.MediaDownloadTimeoutSeconds);
        var albumWait = values.WholeNumber(ConfigKeys.AlbumWaitMs);
        if (maxBytes is null || timeout is null || albumWait is null)
        {
            return null;
        }

        return new MediaOptions
        {
            MaxBytes = maxBytes.Value,
            DownloadTimeout = timeout.Value,
            AlbumWait = TimeSpan.FromMilliseconds(albumWait.Value),
        };
    }
}
