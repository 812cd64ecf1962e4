namespace OrleansRouter.Grains.Chats;

/// <summary>
/// How far the reply at the head of the inbox has got, stored apart from the <see cref="ChatState"/> that holds the
/// reply itself. The reply is written once, before its first part goes; after that each part sent, and each send
/// retry, writes only this record of a few dozen bytes: a reply of N parts costs about its own size in storage
/// writes, not N times it.
/// </summary>
/// <remarks>
/// The chat state keeps the item's progress fields too (every write of it carries what memory holds), and is what
/// a silo of the previous release reads: at worst it sends again the parts this record had got past, it never
/// skips one. Which of the two is newer is told by <see cref="Version"/>, counted per item.
/// </remarks>
[GenerateSerializer, Alias("reply-progress")]
public sealed record ReplyProgress
{
    /// <summary>The inbox item this is the progress of; progress of any other item is stale.</summary>
    [Id(0)] public string? AgentMessageId { get; set; }

    /// <summary>Counts the writes of this record for its item; compared with <see cref="InboxItem.ProgressVersion"/>.</summary>
    [Id(1)] public long Version { get; set; }

    [Id(2)] public int PartsDelivered { get; set; }

    [Id(3)] public int SendAttempts { get; set; }

    [Id(4)] public DateTimeOffset? NextAttemptAt { get; set; }

    [Id(5)] public string? LastFailure { get; set; }

    /// <summary>While the answer streams: what the user has been shown (see <see cref="InboxItem.Shown"/>).</summary>
    [Id(6)] public Dictionary<string, int> Shown { get; set; } = [];

    [Id(7)] public long ShownDigest { get; set; }

    /// <summary>Takes the item's progress, one version on: what the next write of this record stores.</summary>
    public void Record(InboxItem item)
    {
        item.ProgressVersion++;
        AgentMessageId = item.AgentMessageId;
        Version = item.ProgressVersion;
        PartsDelivered = item.PartsDelivered;
        SendAttempts = item.SendAttempts;
        NextAttemptAt = item.NextAttemptAt;
        LastFailure = item.LastFailure;
        Shown = new Dictionary<string, int>(item.Shown);
        ShownDigest = item.ShownDigest;
    }

    /// <summary>
    /// On activation: gives the item the progress stored here when it is this item's and newer than what the chat
    /// state holds: how far its reply got, or, while its answer streams, what the user was shown of it. Old state
    /// (no such record, or a reply stored before it existed) stays as it was read.
    /// </summary>
    public void ApplyTo(InboxItem item)
    {
        if (item.Stage == InboxStage.Received || AgentMessageId != item.AgentMessageId || Version <= item.ProgressVersion)
        {
            return;
        }

        item.ProgressVersion = Version;
        item.Shown = new Dictionary<string, int>(Shown);
        item.ShownDigest = ShownDigest;
        if (item.Stage != InboxStage.Replying)
        {
            return;
        }

        item.PartsDelivered = PartsDelivered;
        item.SendAttempts = SendAttempts;
        item.NextAttemptAt = NextAttemptAt;
        item.LastFailure = LastFailure;
    }
}
