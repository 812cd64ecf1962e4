using OrleansRouter.Grains;
using OrleansRouter.Media;
using Telegram.Bot.Types;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// The file a message carries, as the router keeps it: Telegram's id and what the agent is told of it. Of a photo's
/// sizes, the largest a bot may download; a voice note is Ogg/Opus, a video note MP4, a photo JPEG, whatever the
/// message says. Stickers, stories and the like are not files for an agent.
/// </summary>
public static class MessageFiles
{
    public static InboundFile[]? Of(Message message)
    {
        var id = message.MessageId;
        InboundFile? file = message switch
        {
            { Photo: { Length: > 0 } sizes } => LargestPhoto(sizes) is { } photo
                ? new InboundFile(photo.FileId, id, InboundFileKind.Photo, "image/jpeg", null, photo.FileSize)
                : null,
            { Document: { } document } => new InboundFile(document.FileId, id, InboundFileKind.Document,
                document.MimeType ?? "application/octet-stream", document.FileName, document.FileSize),
            { Voice: { } voice } => new InboundFile(voice.FileId, id, InboundFileKind.Voice, voice.MimeType ?? "audio/ogg", null, voice.FileSize),
            { Audio: { } audio } => new InboundFile(audio.FileId, id, InboundFileKind.Audio, audio.MimeType ?? "audio/mpeg", audio.FileName, audio.FileSize),
            { Video: { } video } => new InboundFile(video.FileId, id, InboundFileKind.Video, video.MimeType ?? "video/mp4", video.FileName, video.FileSize),
            { VideoNote: { } note } => new InboundFile(note.FileId, id, InboundFileKind.VideoNote, "video/mp4", null, note.FileSize),
            { Animation: { } animation } => new InboundFile(animation.FileId, id, InboundFileKind.Animation,
                animation.MimeType ?? "video/mp4", animation.FileName, animation.FileSize),
            _ => null,
        };
        return file is null ? null : [file];
    }

    /// <summary>The largest size a bot may download; when none says its size, the last (Telegram lists them smallest first).</summary>
    private static PhotoSize? LargestPhoto(PhotoSize[] sizes) =>
        sizes.Where(s => s.FileSize is null or <= MediaOptions.TelegramDownloadLimit)
            .OrderBy(s => s.FileSize ?? long.MaxValue)
            .ThenBy(s => (long)s.Width * s.Height)
            .LastOrDefault();
}
