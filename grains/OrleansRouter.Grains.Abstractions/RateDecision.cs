namespace OrleansRouter.Grains;

/// <summary>A persona's answer to "may this chat send one more message now?".</summary>
/// <param name="RetryAt">When denied, the earliest time the window has room again.</param>
/// <param name="Scope">When denied, which window was full: <c>chat</c> or <c>persona</c>.</param>
[GenerateSerializer, Immutable, Alias("rate-decision")]
public sealed record RateDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] DateTimeOffset? RetryAt,
    [property: Id(2)] string? Scope)
{
    public static RateDecision Allow { get; } = new(true, null, null);

    public static RateDecision Deny(DateTimeOffset retryAt, string scope) => new(false, retryAt, scope);
}

/// <summary>How full a persona's total window is.</summary>
/// <param name="Window">The window length, null when the persona has no rate window.</param>
[GenerateSerializer, Immutable, Alias("rate-usage")]
public sealed record RateUsage(
    [property: Id(0)] string Persona,
    [property: Id(1)] TimeSpan? Window,
    [property: Id(2)] int UsedTotal,
    [property: Id(3)] int? MaxTotal,
    [property: Id(4)] int? MaxPerChat,
    [property: Id(5)] int ChatsCounted);
