namespace OrleansRouter.Telegram.Stub;

/// <summary>One message in a stub chat, as the transcript endpoint shows it.</summary>
/// <param name="From"><c>user</c> or <c>bot</c>.</param>
/// <param name="Edits">How often the bot edited the message since it sent it; <paramref name="Text"/> is the latest.</param>
public sealed record StubEntry(int MessageId, string From, string Text, DateTimeOffset Date, int? ReplyTo, int Edits = 0);

/// <summary>
/// Everything said in one stub chat, oldest first, how often the bot showed "typing…", and the draft of an answer the
/// bot is streaming (null when none), with how many drafts it showed in all.
/// </summary>
public sealed record StubTranscript(long ChatId, IReadOnlyList<StubEntry> Messages, int TypingActions, string? Draft = null, int DraftsShown = 0);

/// <summary>A Bot API error as the stub answers it: the same shape and wording as Telegram's.</summary>
public sealed class StubApiException(int errorCode, string description) : Exception(description)
{
    public int ErrorCode { get; } = errorCode;
}
