using OrleansRouter.Agents;
using OrleansRouter.Chats;
using Telegram.Bot.Exceptions;

namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// Classifies Bot API errors: 429 and 5xx are transient (429 with its <c>retry_after</c>), so are network errors and
/// a rejected token (the message is fine, the credential is not); 400 and 403 are fatal for the message; a group
/// that became a supergroup reports its new chat id.
/// </summary>
internal static class TelegramFailures
{
    public static SendFailed From(ApiRequestException e)
    {
        var retryAfter = e.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var migratedTo = e.Parameters?.MigrateToChatId;
        var code = $"http_{e.ErrorCode}";
        if (migratedTo is not null)
        {
            return new SendFailed(FailureClass.Fatal, "chat_migrated", e.Message, MigratedTo: migratedTo);
        }

        var transient = e.ErrorCode is 429 or 401 or 404 or 420 or >= 500 || retryAfter is not null;
        return new SendFailed(transient ? FailureClass.Transient : FailureClass.Fatal, code, e.Message, retryAfter);
    }

    /// <summary>Telegram's answer to an edit that would change nothing: the message shows that text already.</summary>
    public static bool NotModified(SendFailed failed) => failed.Detail.Contains("message is not modified", StringComparison.OrdinalIgnoreCase);

    public static SendFailed Network(Exception e) =>
        new(FailureClass.Transient, AgentFailureCodes.Network, e.InnerException?.Message ?? e.Message);

    public static SendFailed Timeout() => new(FailureClass.Transient, AgentFailureCodes.Timeout, "the Bot API did not answer in time");
}
