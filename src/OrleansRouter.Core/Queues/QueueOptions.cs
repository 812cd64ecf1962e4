namespace OrleansRouter.Queues;

/// <summary>The queue knobs: how deep a chat's inbox may grow and how failed calls are retried.</summary>
public sealed record QueueOptions
{
    public int MaxDepthPerChat { get; init; } = 100;

    public int RetryMaxAttempts { get; init; } = 5;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many chats of one silo may hold retry state at once; reported as <c>retry_cache.usage</c>.</summary>
    public int RetryCacheCapacity { get; init; } = 10_000;

    /// <summary>The chats the router answers; null means every chat.</summary>
    public IReadOnlySet<long>? AllowedChatIds { get; init; }
}
