namespace OrleansRouter.Agents.A2A;

public sealed record A2AClientOptions
{
    /// <summary>
    /// The whole of one call: card lookup, send, polling a task still in progress, and reading every body. For a
    /// stream, the longest it may go without an event; for a task followed by polling, without a change.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a fetched agent card is trusted before it is fetched again.</summary>
    public TimeSpan CardLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first wait between polls of a task still in progress; doubles up to two seconds.</summary>
    public TimeSpan FirstPollDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The most of one response body (card, answer, task poll) the client reads; a longer answer is a fatal
    /// <c>response_too_large</c>, and the rest of it is never read (<c>A2A_MAX_RESPONSE_BYTES</c>).
    /// </summary>
    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// The most one event stream may carry in all, eight answers' worth: an agent that streams a long reply by
    /// resending the whole artifact with each chunk still fits; past it, the stream is cut and picked up again.
    /// </summary>
    public long MaxStreamBytes => 8L * MaxResponseBytes;

    /// <summary>
    /// The longest reply text shown to the user, notice included; a longer one is cut and says so
    /// (<c>A2A_MAX_REPLY_CHARS</c>; 16,384 is four Telegram messages).
    /// </summary>
    public int MaxReplyChars { get; init; } = 16_384;
}
