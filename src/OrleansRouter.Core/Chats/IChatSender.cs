namespace OrleansRouter.Chats;

/// <summary>
/// Delivers text to a chat, and shows a reply while it grows. Implementations return failures as values; they never
/// sleep on a rate limit. A message waits for its turn; a preview (a draft, an edit of a placeholder) goes only when
/// a turn is free at once, else comes back <see cref="SendDeferred"/>: the next preview carries the text on.
/// </summary>
public interface IChatSender
{
    /// <param name="text">At most <see cref="MessageSplitter.MaxLength"/> characters; split longer replies first.</param>
    /// <param name="replyTo">The user's message this answers, or null.</param>
    /// <param name="button">A button under the message (Stop, Log in), or null.</param>
    Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, ReplyButton? button, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the text of a message the bot sent, and its button (none when null). Text the message shows already
    /// counts as delivered: Telegram's "message is not modified" is never a failure.
    /// </summary>
    /// <param name="preview">Only if a turn is free now; otherwise waits for one, like a message.</param>
    Task<SendOutcome> EditTextAsync(long chatId, int messageId, string text, ReplyButton? button, bool preview, CancellationToken cancellationToken);

    /// <summary>
    /// Shows <paramref name="text"/> as the private chat's draft (empty for Telegram's "Thinking…"), with a button that
    /// lets the user stop it. A preview: it goes only if a turn is free now. The next message the bot sends ends it.
    /// </summary>
    Task<SendOutcome> SendDraftAsync(long chatId, long draftId, string text, CancellationToken cancellationToken);

    /// <summary>Answers a button press, so the user's client stops waiting; a notice when <paramref name="text"/> is set.</summary>
    Task<SendOutcome> AnswerButtonAsync(string callbackQueryId, string? text, CancellationToken cancellationToken);

    Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken);
}

/// <summary>A button under a message: one the bot hears back from (<paramref name="CallbackData"/>), or a link.</summary>
public sealed record ReplyButton(string Text, string? CallbackData = null, Uri? Url = null)
{
    /// <summary>The button under a group's placeholder that stops the answer.</summary>
    public static ReplyButton Stop { get; } = new("Stop", CallbackData: StopData);

    /// <summary>The callback data of <see cref="Stop"/>.</summary>
    public const string StopData = "stop";
}
