namespace OrleansRouter.Grains;

/// <summary>A Telegram message as the router keeps it: only what it needs to answer.</summary>
/// <param name="UpdateId">Telegram's update id: the deduplication key.</param>
/// <param name="MessageId">The message id within the chat, for replying to it.</param>
/// <param name="Text">The text or caption; null for content the router cannot read (stickers, photos without caption).</param>
/// <param name="ReceivedAt">When the ingress received the update: the start of the round-trip latency.</param>
/// <param name="IsGroup">Group chats get replies threaded to the message they answer.</param>
/// <param name="MigrateToChatId">Set on the service message that says the group became a supergroup with this id.</param>
/// <param name="TraceParent">The W3C trace context of the update's arrival, when tracing is on: its later steps join that trace.</param>
/// <param name="SenderId">The Telegram user who sent it (<c>from.id</c>), for the group admin check; null when not known.</param>
/// <param name="SenderChatId">The chat it was sent on behalf of (<c>sender_chat.id</c>): the group itself for an anonymous admin, a channel for a channel post.</param>
/// <param name="CallbackQueryId">A press of the Stop button under a placeholder: the query to answer. Its text is <c>/cancel</c>.</param>
/// <param name="StoppedDraftId">A press of the stop button of a draft (Telegram's stopped_message_generation). Its text is <c>/cancel</c>.</param>
/// <param name="Files">The photos, documents, voice notes… it carries (an album's, once its parts are together); null for none. Its text is their caption.</param>
/// <param name="MediaGroupId">The album it is part of (Telegram's <c>media_group_id</c>): the album's messages go to the agent as one.</param>
[GenerateSerializer, Immutable, Alias("inbound-message")]
public sealed record InboundMessage(
    [property: Id(0)] long UpdateId,
    [property: Id(1)] long ChatId,
    [property: Id(2)] int MessageId,
    [property: Id(3)] string? Text,
    [property: Id(4)] DateTimeOffset ReceivedAt,
    [property: Id(5)] bool IsGroup,
    [property: Id(6)] long? MigrateToChatId = null,
    [property: Id(7)] string? TraceParent = null,
    [property: Id(8)] long? SenderId = null,
    [property: Id(9)] long? SenderChatId = null,
    [property: Id(10)] string? CallbackQueryId = null,
    [property: Id(11)] long? StoppedDraftId = null,
    [property: Id(12)] InboundFile[]? Files = null,
    [property: Id(13)] string? MediaGroupId = null)
{
    /// <summary>The text a stop request carries: it is the <c>/cancel</c> command.</summary>
    public const string CancelCommand = "/cancel";

    public bool HasFiles => Files is { Length: > 0 };
}
