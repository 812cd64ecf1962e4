namespace OrleansRouter.Chats;

/// <summary>Delivers text to a chat. Implementations return failures as values; they never sleep on a rate limit.</summary>
public interface IChatSender
{
    /// <param name="text">At most <see cref="MessageSplitter.MaxLength"/> characters; split longer replies first.</param>
    /// <param name="replyTo">The user's message this answers, or null.</param>
    Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, CancellationToken cancellationToken);

    Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken);
}
