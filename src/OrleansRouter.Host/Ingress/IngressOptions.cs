namespace OrleansRouter.Host.Ingress;

/// <summary>The ingress's own knobs: when an update that cannot be stored is set aside, and how often a stranger is told no.</summary>
public sealed record IngressOptions
{
    /// <summary>
    /// <c>INGRESS_QUARANTINE_AFTER_ATTEMPTS</c>: how many times an update its ChatGrain fails to store is tried (backing
    /// off in between) before it is quarantined and the ingress moves on, while storage answers for the others.
    /// </summary>
    public int QuarantineAfterAttempts { get; init; } = 5;

    /// <summary><c>INGRESS_REFUSAL_INTERVAL_MINUTES</c>: a chat outside <c>ALLOWED_CHAT_IDS</c> is told no at most once in this time.</summary>
    public TimeSpan RefusalInterval { get; init; } = TimeSpan.FromMinutes(60);
}
