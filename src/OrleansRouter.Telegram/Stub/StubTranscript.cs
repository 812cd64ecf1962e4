namespace OrleansRouter.Telegram.Stub;

/// <summary>One message in a stub chat, as the transcript endpoint shows it.</summary>
/// <param name="From"><c>user</c> or <c>bot</c>.</param>
public sealed record StubEntry(int MessageId, string From, string Text, DateTimeOffset Date, int? ReplyTo);

/// <summary>Everything said in one stub chat, oldest first, and how often the bot showed "typing…".</summary>
public sealed record StubTranscript(long ChatId, IReadOnlyList<StubEntry> Messages, int TypingActions);

/// <summary>A Bot API error as the stub answers it: the same shape and wording as Telegram's.</summary>
public sealed class StubApiException(int errorCode, string description) : Exception(description)
{
    public int ErrorCode { get; } = errorCode;
}
