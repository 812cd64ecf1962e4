namespace OrleansRouter.Grains;

/// <summary>A chat's queue as an operator sees it.</summary>
/// <param name="InFlight">An agent call or a Telegram send for the head of the inbox is under way now.</param>
/// <param name="NextRetryAt">When the head of the inbox is waiting for a retry, when that retry is due.</param>
[GenerateSerializer, Immutable, Alias("chat-snapshot")]
public sealed record ChatSnapshot(
    [property: Id(0)] long ChatId,
    [property: Id(1)] string Persona,
    [property: Id(2)] int InboxDepth,
    [property: Id(3)] bool InFlight,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset? NextRetryAt,
    [property: Id(6)] int DeadLetters,
    [property: Id(7)] DateTimeOffset? OldestReceivedAt,
    [property: Id(8)] long Overflowed);
