namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Everything a chat keeps in storage, and the inbox's bookkeeping as plain code. Fields are only ever added, with a
/// new <c>[Id]</c>: silos of the previous release keep reading the state during a rolling upgrade.
/// </summary>
/// <remarks>
/// The grain storage may write the state as JSON, public properties by name: a public property is a stored field,
/// so what is worked out from the fields is a method.
/// </remarks>
[GenerateSerializer, Alias("chat-state")]
public sealed record ChatState
{
    /// <summary>
    /// A redelivery comes in the same order as the first delivery, before anything newer, and one getUpdates batch
    /// holds at most 100 updates: remembering the last 128 update ids of a chat recognises every redelivery.
    /// </summary>
    private const int RecentUpdateIdCapacity = 128;

    private const int DeadLetterCapacity = 100;

    /// <summary>Messages accepted and not yet answered, oldest first. Only the head is ever worked on.</summary>
    [Id(0)] public List<InboxItem> Inbox { get; init; } = [];

    /// <summary>The most recent update ids, oldest first, to recognise a redelivered update.</summary>
    [Id(1)] public List<long> RecentUpdateIds { get; init; } = [];

    /// <summary>The persona the chat chose with <c>/persona</c>; null for the map's choice.</summary>
    [Id(2)] public string? ChosenPersona { get; set; }

    /// <summary>The A2A conversation with each persona, by persona name.</summary>
    [Id(3)] public Dictionary<string, Conversation> Conversations { get; init; } = [];

    /// <summary>Messages the router gave up on, newest last, kept for inspection.</summary>
    [Id(4)] public List<DeadLetter> DeadLetters { get; init; } = [];

    /// <summary>Messages not forwarded because the inbox was full, since the chat began.</summary>
    [Id(5)] public long Overflowed { get; set; }

    /// <summary>Whether a chat outside <c>ALLOWED_CHAT_IDS</c> was already told so.</summary>
    [Id(6)] public bool RefusalSent { get; set; }

    /// <summary>Whether the wake reminder is registered: from the first pending message until the inbox is empty.</summary>
    [Id(7)] public bool WakeReminderSet { get; set; }

    /// <summary>The supergroup this group became; its conversation lives on there.</summary>
    [Id(8)] public long? MovedTo { get; set; }

    /// <summary>The item being worked on; null when the inbox is empty.</summary>
    public InboxItem? Head() => Inbox.Count > 0 ? Inbox[0] : null;

    /// <summary>How long the head waits for its next attempt; zero when it can go on now, or there is none.</summary>
    public TimeSpan WaitForHead(DateTimeOffset now) => Head()?.NextAttemptAt is { } due ? due - now : TimeSpan.Zero;

    /// <summary>Whether the update was accepted before: a redelivery.</summary>
    public bool HasSeen(long updateId) => RecentUpdateIds.Contains(updateId);

    public void RememberUpdate(long updateId)
    {
        RecentUpdateIds.Add(updateId);
        if (RecentUpdateIds.Count > RecentUpdateIdCapacity)
        {
            RecentUpdateIds.RemoveAt(0);
        }
    }

    /// <summary>
    /// Takes a new update in: its message joins the inbox, or, when <paramref name="maxDepth"/> messages wait already,
    /// it is counted as overflowed and the user gets a notice.
    /// </summary>
    public Acceptance Accept(InboundMessage message, int maxDepth)
    {
        if (AlbumOf(message) is { } album)
        {
            RememberUpdate(message.UpdateId);
            album.JoinAlbum(message);
            return new Acceptance(message.UpdateId, null, false, JoinedAlbum: album);
        }

        var overflow = Inbox.Count(i => i.Kind == InboxItemKind.Message) >= maxDepth;
        var item = overflow ? OverflowNoticeFor(message) : InboxItem.For(message, InboxItemKind.Message);
        RememberUpdate(message.UpdateId);
        if (item is not null)
        {
            Inbox.Add(item);
        }

        if (overflow)
        {
            Overflowed++;
        }

        return new Acceptance(message.UpdateId, item, overflow);
    }

    /// <summary>Takes back an accept whose write failed, so a redelivery of the update is accepted again.</summary>
    public void TakeBack(Acceptance acceptance)
    {
        RecentUpdateIds.Remove(acceptance.UpdateId);
        if (acceptance.Item is not null)
        {
            Inbox.Remove(acceptance.Item);
        }

        if (acceptance.Overflowed)
        {
            Overflowed--;
        }
    }

    /// <summary>The item is done with: answered, ignored, or given up on.</summary>
    public void Complete(InboxItem item) => Inbox.Remove(item);

    /// <summary>Keeps the item for inspection, the newest <see cref="DeadLetterCapacity"/> only.</summary>
    public void KeepDeadLetter(InboxItem item, string reason, DateTimeOffset at)
    {
        DeadLetters.Add(new DeadLetter(item.Message, item.Stage, reason, at));
        if (DeadLetters.Count > DeadLetterCapacity)
        {
            DeadLetters.RemoveAt(0);
        }
    }

    public Conversation ConversationWith(string persona)
    {
        if (!Conversations.TryGetValue(persona, out var conversation))
        {
            conversation = new Conversation();
            Conversations[persona] = conversation;
        }

        return conversation;
    }

    /// <summary>
    /// The waiting message of the same album, if any: an album's parts go to the agent as one message, in the place of
    /// its first part. A part that comes once the album has gone to the agent (or past Telegram's ten) starts anew.
    /// </summary>
    private InboxItem? AlbumOf(InboundMessage message) => message.MediaGroupId is { } group
        ? Inbox.FirstOrDefault(i => i.Message.MediaGroupId == group && i is { Kind: InboxItemKind.Message, Stage: InboxStage.Received, AgentAttempts: 0 }
            && i.Message.Files!.Length < InboxItem.AlbumCapacity)
        : null;

    /// <summary>One notice covers a run of overflowing messages: no new notice while one is still waiting.</summary>
    private InboxItem? OverflowNoticeFor(InboundMessage message) =>
        Inbox.LastOrDefault() is { Kind: InboxItemKind.OverflowNotice, Stage: InboxStage.Received }
            ? null
            : InboxItem.For(message, InboxItemKind.OverflowNotice);
}

/// <summary>An update just taken into the state, before the write that stores it.</summary>
/// <param name="Item">What joined the inbox: the message, an overflow notice, or nothing (a notice waits already).</param>
/// <param name="Overflowed">The inbox was full: the message itself is not forwarded.</param>
/// <param name="JoinedAlbum">The waiting message of the album the update is part of, which took its file in.</param>
public sealed record Acceptance(long UpdateId, InboxItem? Item, bool Overflowed, InboxItem? JoinedAlbum = null);

/// <summary>The A2A conversation of a chat with one persona.</summary>
[GenerateSerializer, Alias("conversation")]
public sealed record Conversation
{
    [Id(0)] public string? ContextId { get; set; }

    /// <summary>The task waiting for the user (input-required or auth-required); the next message continues it.</summary>
    [Id(1)] public string? PendingTaskId { get; set; }
}

/// <summary>A message the router gave up on, and why.</summary>
[GenerateSerializer, Immutable, Alias("dead-letter")]
public sealed record DeadLetter(
    [property: Id(0)] InboundMessage Message,
    [property: Id(1)] InboxStage Stage,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset At);
