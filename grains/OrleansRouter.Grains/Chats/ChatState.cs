namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Everything a chat keeps in storage. Fields are only ever added, with a new <c>[Id]</c>: silos of the previous
/// release keep reading the state during a rolling upgrade.
/// </summary>
[GenerateSerializer, Alias("chat-state")]
public sealed record ChatState
{
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
}

/// <summary>An accepted message on its way through the chat: received → calling the agent → replying → gone.</summary>
[GenerateSerializer, Alias("inbox-item")]
public sealed record InboxItem
{
    [Id(0)] public required InboundMessage Message { get; init; }

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
