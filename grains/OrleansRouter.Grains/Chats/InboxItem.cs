using OrleansRouter.Chats;

namespace OrleansRouter.Grains.Chats;

/// <summary>An accepted message on its way through the chat: received → calling the agent → replying → gone.</summary>
[GenerateSerializer, Alias("inbox-item")]
public sealed record InboxItem
{
    /// <summary>The message; an album's grows as its parts come in (<see cref="JoinAlbum"/>).</summary>
    [Id(0)] public required InboundMessage Message { get; set; }

    [Id(1)] public InboxItemKind Kind { get; init; }

    /// <summary>The A2A messageId, fixed at accept time: a resend after a crash carries the same id.</summary>
    [Id(2)] public required string AgentMessageId { get; init; }

    [Id(3)] public InboxStage Stage { get; set; }

    /// <summary>The persona the message was sent to, fixed when the call was first made.</summary>
    [Id(4)] public string? Persona { get; set; }

    /// <summary>Agent calls made (or begun) for this message; recorded before each call.</summary>
    [Id(5)] public int AgentAttempts { get; set; }

    /// <summary>Failed Telegram sends of the current reply part.</summary>
    [Id(6)] public int SendAttempts { get; set; }

    /// <summary>When the next attempt is due after a transient failure; null when the item can go on now.</summary>
    [Id(7)] public DateTimeOffset? NextAttemptAt { get; set; }

    [Id(8)] public string? LastFailure { get; set; }

    /// <summary>The reply, already cut to Telegram's size, stored before the first part is sent.</summary>
    [Id(9)] public List<string> ReplyParts { get; set; } = [];

    [Id(10)] public int PartsDelivered { get; set; }

    /// <summary>The last <see cref="ReplyProgress.Version"/> of this item that memory held when the chat state was written.</summary>
    [Id(11)] public long ProgressVersion { get; set; }

    /// <summary>
    /// The task the agent took the message on as, stored as soon as its stream names it: after a crash or on another
    /// silo, the chat follows this task again rather than sending the message a second time.
    /// </summary>
    [Id(12)] public string? TaskId { get; set; }

    /// <summary>In a group, the message that shows the answer while it grows; the reply's first part replaces it.</summary>
    [Id(13)] public int? PlaceholderId { get; set; }

    /// <summary>What the user has been shown of the answer while it grew: characters of each artifact, by artifact id.</summary>
    [Id(14)] public Dictionary<string, int> Shown { get; set; } = [];

    /// <summary>A digest of the text last shown while the answer grew, so the same text is never shown twice.</summary>
    [Id(15)] public long ShownDigest { get; set; }

    /// <summary>The user asked to stop this message's answer (<c>/cancel</c>, or the Stop button).</summary>
    [Id(16)] public bool StopRequested { get; set; }

    /// <summary>For a stop request itself: it stopped the message ahead of it, so it has nothing more to say.</summary>
    [Id(17)] public bool StopApplied { get; set; }

    /// <summary>When the agent's stream first opened, for its duration across resumes.</summary>
    [Id(18)] public DateTimeOffset? StreamStartedAt { get; set; }

    /// <summary>
    /// When the task first asked the user to authorize; stored before the request (and its login button) goes,
    /// so it goes once. While it is recent, the chat follows the task on, waiting for the agent to go on.
    /// </summary>
    [Id(19)] public DateTimeOffset? AuthRequiredSince { get; set; }

    /// <summary>
    /// The token registered with the agent for push notifications about this message's task, fixed before the first
    /// call (so stored before it goes); a notification that does not bring it is refused. Null when push is off.
    /// </summary>
    [Id(20)] public string? PushToken { get; set; }

    /// <summary>
    /// The chat waits for the agent's push notification about the task rather than holding its stream open; it asks
    /// for the task (GetTask) when one comes, and now and then meanwhile.
    /// </summary>
    [Id(21)] public bool AwaitsPush { get; set; }

    /// <summary>Telegram's most photos and videos in one album.</summary>
    public const int AlbumCapacity = 10;

    /// <summary>
    /// Takes another part of the album in: its file in the order of the album's messages (once: a redelivered part
    /// changes nothing), its caption after the others'. The message answers the album's first part.
    /// </summary>
    public void JoinAlbum(InboundMessage part)
    {
        var files = Message.Files ?? [];
        if (part.Files is not { } added || files.Any(f => f.MessageId == part.MessageId))
        {
            return;
        }

        var byMessage = files.Concat(added).OrderBy(f => f.MessageId).ToArray();
        var captions = new[] { (Message.MessageId, Message.Text), (part.MessageId, part.Text) }
            .Where(c => !string.IsNullOrEmpty(c.Text)).OrderBy(c => c.MessageId).Select(c => c.Text);
        var text = string.Join("\n", captions);
        Message = Message with
        {
            MessageId = Math.Min(Message.MessageId, part.MessageId),
            Files = byMessage,
            Text = text.Length > 0 ? text : null,
        };
    }

    public static InboxItem For(InboundMessage message, InboxItemKind kind) => new()
    {
        Message = message,
        Kind = kind,
        AgentMessageId = Guid.NewGuid().ToString("N"),
    };

    /// <summary>From now on the message goes to <paramref name="persona"/>, whatever the chat chooses meanwhile.</summary>
    public void BeginCall(string persona)
    {
        Persona = persona;
        Stage = InboxStage.Calling;
    }

    /// <summary>Cuts the reply to Telegram's size; no part of it is sent yet.</summary>
    public void BeginReply(string text)
    {
        ReplyParts = [.. MessageSplitter.Split(text)];
        PartsDelivered = 0;
        SendAttempts = 0;
        Stage = InboxStage.Replying;
    }
}

[GenerateSerializer, Alias("inbox-item-kind")]
public enum InboxItemKind
{
    /// <summary>A message from the user.</summary>
    Message,

    /// <summary>A notice to the user that messages were not forwarded because the inbox was full.</summary>
    OverflowNotice,
}

[GenerateSerializer, Alias("inbox-stage")]
public enum InboxStage
{
    Received,
    Calling,
    Replying,
}
