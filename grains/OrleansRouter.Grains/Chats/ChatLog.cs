using Microsoft.Extensions.Logging;

namespace OrleansRouter.Grains.Chats;

/// <summary>The chat's log events. Chats appear only as <c>chat_id_hash</c>; message text only at Debug.</summary>
internal static partial class ChatLog
{
    [LoggerMessage(EventName = "chat.accepted", Level = LogLevel.Debug,
        Message = "Accepted update {update_id} into chat {chat_id_hash}, inbox depth {queue_depth}")]
    public static partial void Accepted(ILogger logger, long update_id, string chat_id_hash, int queue_depth);

    [LoggerMessage(EventName = "chat.duplicate", Level = LogLevel.Debug,
        Message = "Update {update_id} for chat {chat_id_hash} was already accepted")]
    public static partial void Duplicate(ILogger logger, long update_id, string chat_id_hash);

    [LoggerMessage(EventName = "queue.overflow", Level = LogLevel.Warning,
        Message = "Inbox of chat {chat_id_hash} is full ({queue_depth}); update {update_id} not forwarded")]
    public static partial void Overflow(ILogger logger, string chat_id_hash, int queue_depth, long update_id);

    [LoggerMessage(EventName = "rate_limit.hit", Level = LogLevel.Warning,
        Message = "Rate limit hit for chat {chat_id_hash} on {persona_tag}: {scope} window full until {retry_at}")]
    public static partial void RateLimitHit(ILogger logger, string chat_id_hash, string persona_tag, string? scope, DateTimeOffset? retry_at);

    [LoggerMessage(EventName = "a2a.failure", Level = LogLevel.Warning,
        Message = "Agent call for chat {chat_id_hash} on {persona_tag} failed ({classification}, {code}), attempt {attempt}: {detail}")]
    public static partial void AgentFailed(ILogger logger, string chat_id_hash, string persona_tag, string classification, string code, int attempt, string detail);

    [LoggerMessage(EventName = "telegram.send_failed", Level = LogLevel.Warning,
        Message = "Sending to chat {chat_id_hash} failed ({classification}, {code}), attempt {attempt}: {detail}")]
    public static partial void SendFailed(ILogger logger, string chat_id_hash, string classification, string code, int attempt, string detail);

    [LoggerMessage(EventName = "chat.dead_letter", Level = LogLevel.Warning,
        Message = "Gave up on update {update_id} of chat {chat_id_hash} at {stage}: {reason}")]
    public static partial void DeadLettered(ILogger logger, long update_id, string chat_id_hash, string stage, string reason);

    [LoggerMessage(EventName = "reply.delivered", Level = LogLevel.Debug,
        Message = "Delivered the reply to update {update_id} in chat {chat_id_hash} in {latency_ms} ms")]
    public static partial void Delivered(ILogger logger, long update_id, string chat_id_hash, double latency_ms);

    [LoggerMessage(EventName = "chat.text", Level = LogLevel.Debug,
        Message = "Chat {chat_id_hash} update {update_id} text: {text}")]
    public static partial void Text(ILogger logger, string chat_id_hash, long update_id, string? text);

    /// <remarks>Only the exception's type: storage exceptions name the grain, whose key is the chat id.</remarks>
    [LoggerMessage(EventName = "chat.pump_failed", Level = LogLevel.Error,
        Message = "Working through the inbox of chat {chat_id_hash} failed ({error}); retrying in {retry_in}")]
    public static partial void PumpFailed(ILogger logger, string error, string chat_id_hash, TimeSpan retry_in);

    [LoggerMessage(EventName = "chat.migrated", Level = LogLevel.Information,
        Message = "Chat {chat_id_hash} became supergroup {new_chat_id_hash}; {messages} unanswered messages and the conversation moved with it")]
    public static partial void Migrated(ILogger logger, string chat_id_hash, string new_chat_id_hash, int messages);

    [LoggerMessage(EventName = "chat.retry_parked", Level = LogLevel.Information,
        Message = "Chat {chat_id_hash} waits for a retry while the silo's retry cache is full ({retrying} chats); its reminder will wake it")]
    public static partial void RetryParked(ILogger logger, string chat_id_hash, long retrying);

    /// <remarks>The addressee is not logged: it is whatever a user typed.</remarks>
    [LoggerMessage(EventName = "chat.command_ignored", Level = LogLevel.Information,
        Message = "Update {update_id} of chat {chat_id_hash} is a command for another bot; ignored")]
    public static partial void CommandIgnored(ILogger logger, long update_id, string chat_id_hash);

    [LoggerMessage(EventName = "chat.command_refused", Level = LogLevel.Information,
        Message = "Update {update_id} of chat {chat_id_hash}: {command} is for the group's admins, and the sender is not one ({admin_check})")]
    public static partial void CommandRefused(ILogger logger, long update_id, string chat_id_hash, string command, string admin_check);

    [LoggerMessage(EventName = "a2a.stream_resumed", Level = LogLevel.Information,
        Message = "Following the task of chat {chat_id_hash} on {persona_tag} again, attempt {attempt}")]
    public static partial void StreamResumed(ILogger logger, string chat_id_hash, string persona_tag, int attempt);

    [LoggerMessage(EventName = "a2a.stream_left", Level = LogLevel.Information,
        Message = "The silo is draining: the task of chat {chat_id_hash} on {persona_tag} is left for another silo to follow")]
    public static partial void StreamLeft(ILogger logger, string chat_id_hash, string persona_tag);

    [LoggerMessage(EventName = "a2a.stream_stopped", Level = LogLevel.Information,
        Message = "The user stopped the answer in chat {chat_id_hash} on {persona_tag}; the agent's task: {result}")]
    public static partial void StreamStopped(ILogger logger, string chat_id_hash, string persona_tag, string result);

    [LoggerMessage(EventName = "a2a.awaiting_push", Level = LogLevel.Information,
        Message = "The task of chat {chat_id_hash} on {persona_tag} goes on without a stream: the chat waits for the agent's push notification")]
    public static partial void AwaitingPush(ILogger logger, string chat_id_hash, string persona_tag);

    /// <remarks>Neither the file's name nor its caption is logged: both are what a user wrote.</remarks>
    [LoggerMessage(EventName = "chat.file_refused", Level = LogLevel.Information,
        Message = "A {kind} ({media_type}) sent to chat {chat_id_hash} is not forwarded: {reason}")]
    public static partial void FileRefused(ILogger logger, string chat_id_hash, string kind, string media_type, string reason);

    [LoggerMessage(EventName = "chat.file_fetch_failed", Level = LogLevel.Warning,
        Message = "A {kind} of chat {chat_id_hash} could not be fetched from Telegram ({failure_class} {failure_code}, attempt {attempt}): {detail}")]
    public static partial void FileFetchFailed(ILogger logger, string chat_id_hash, string kind, string failure_class, string failure_code, int attempt, string detail);
}
