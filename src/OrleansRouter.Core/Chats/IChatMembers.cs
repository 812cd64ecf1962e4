namespace OrleansRouter.Chats;

/// <summary>
/// What the router asks Telegram about a chat's people before it obeys a command: its own username (to tell
/// <c>/reset@ThisBot</c> from <c>/reset@OtherBot</c>) and whether a sender administers the group. Apart from
/// <see cref="IChatSender"/>, which only sends. Answers are cached briefly; failures are values, never thrown.
/// </summary>
public interface IChatMembers
{
    /// <summary>The bot's username without the <c>@</c>, from <c>getMe</c>; null while Telegram has not told it.</summary>
    Task<string?> BotUsernameAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="userId"/> is the creator or an administrator of <paramref name="chatId"/>, from
    /// <c>getChatMember</c>; null when Telegram could not be asked (network, 5xx, 429).
    /// </summary>
    Task<bool?> IsAdminAsync(long chatId, long userId, CancellationToken cancellationToken);
}
