namespace OrleansRouter.Agents.A2A;

public sealed record A2AClientOptions
{
    /// <summary>The whole of one call: card lookup, send, and polling a task still in progress.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a fetched agent card is trusted before it is fetched again.</summary>
    public TimeSpan CardLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first wait between polls of a task still in progress; doubles up to two seconds.</summary>
    public TimeSpan FirstPollDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
