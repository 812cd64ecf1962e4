namespace OrleansRouter.Chats;

/// <summary>How a streamed answer is shown while it grows (<c>A2A_STREAMING</c>, <c>STREAM_*</c>).</summary>
public sealed record StreamingOptions
{
    /// <summary>Whether agents whose card says they stream are asked to; off, every agent is asked to answer in one piece.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The least time between two updates of a private chat's draft: about one a second, as Telegram asks.</summary>
    public TimeSpan PreviewInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two edits of a group's placeholder: a group gets twenty messages a minute.</summary>
    public TimeSpan GroupPreviewInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a group's answer may take before a placeholder is sent for it: an agent that answers within it costs
    /// the group one message, not two.
    /// </summary>
    public TimeSpan PlaceholderGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Telegram drops a draft after about 30 s without an update: one that has not changed is sent again after this.</summary>
    public TimeSpan DraftKeepAlive { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a task that asks the user to authorize (auth-required) is followed, waiting for the agent to go on
    /// once the user has logged in; after that, the user's next message continues the task instead.
    /// </summary>
    public TimeSpan AuthWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a task waiting for the user's authorization is asked whether it has gone on.</summary>
    public TimeSpan AuthPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The router's public URL for A2A push notifications (<c>A2A_PUSH_URL</c>); null when agents are not asked to notify.</summary>
    public Uri? PushUrl { get; init; }

    /// <summary>
    /// How often a task registered for push notifications is asked about while the chat waits for one: a
    /// notification lost on its way costs at most this long.
    /// </summary>
    public TimeSpan PushFallbackPoll { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long, from its first event, a task registered for push notifications may wait for one without an open
    /// stream; after that a cut stream counts as a failed attempt again, as for an agent that does not notify.
    /// </summary>
    public TimeSpan PushWait { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The longest reply text shown, notice included: the A2A client's <c>A2A_MAX_REPLY_CHARS</c>.</summary>
    public int MaxReplyChars { get; init; } = 16_384;
}
