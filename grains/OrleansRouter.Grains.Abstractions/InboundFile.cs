namespace OrleansRouter.Grains;

/// <summary>
/// A file a user sent, as Telegram names it: the router keeps this reference, never the bytes, and fetches the file
/// (getFile) each time it calls the agent with it, so after a crash it is fetched again.
/// </summary>
/// <param name="FileId">Telegram's id for downloading it; valid for this bot.</param>
/// <param name="MessageId">The message it came in: an album's files keep the order of their messages.</param>
/// <param name="MediaType">The type the agent is told, e.g. <c>image/jpeg</c> (photos and voice notes have fixed types).</param>
/// <param name="Size">Its size in bytes as Telegram says it, when it does.</param>
[GenerateSerializer, Immutable, Alias("inbound-file")]
public sealed record InboundFile(
    [property: Id(0)] string FileId,
    [property: Id(1)] int MessageId,
    [property: Id(2)] InboundFileKind Kind,
    [property: Id(3)] string MediaType,
    [property: Id(4)] string? FileName,
    [property: Id(5)] long? Size);

[GenerateSerializer, Alias("inbound-file-kind")]
public enum InboundFileKind
{
    Photo,
    Document,
    Voice,
    Audio,
    Video,
    VideoNote,
    Animation,
}
