using OrleansRouter.Agents;

namespace OrleansRouter.Chats;

/// <summary>The result of one Bot API send.</summary>
public abstract record SendOutcome
{
    public static SendOutcome Delivered(int messageId) => new SendDelivered(messageId);
}

public sealed record SendDelivered(int MessageId) : SendOutcome;

/// <summary>A preview that did not go: no turn was free at once. Nothing is owed; the next preview carries the text on.</summary>
/// <param name="FreeAt">When the chat has a turn again, when that is known; null when only trying again will tell.</param>
public sealed record SendDeferred(DateTimeOffset? FreeAt = null) : SendOutcome
{
    public static SendDeferred Instance { get; } = new();
}

/// <param name="RetryAfter">Telegram's <c>retry_after</c> on a 429, to be honoured exactly.</param>
/// <param name="MigratedTo">Set when the group became a supergroup with this new chat id.</param>
public sealed record SendFailed(FailureClass Class, string Code, string Detail, TimeSpan? RetryAfter = null, long? MigratedTo = null) : SendOutcome
{
    private readonly string _detail = FailureDetail.Cap(Detail);

    public string Detail { get => _detail; init => _detail = FailureDetail.Cap(value); }
}
