using Microsoft.Extensions.Logging;

namespace OrleansRouter.Host.Ingress;

/// <summary>The ingress's log events about updates it would not, or could not, hand to a chat: quarantine and strangers.</summary>
internal static partial class IngressLog
{
    [LoggerMessage(EventName = "ingress.quarantined", Level = LogLevel.Error,
        Message = "Update {update_id} of chat {chat_id_hash} could not be stored after {attempts} attempts ({error}) while storage works: set aside in the quarantine, and confirmed")]
    public static partial void Quarantined(ILogger logger, long update_id, string chat_id_hash, int attempts, string error);

    [LoggerMessage(EventName = "ingress.quarantine_failed", Level = LogLevel.Critical,
        Message = "Update {update_id} of chat {chat_id_hash} could not be stored after {attempts} attempts ({error}), nor set aside ({quarantine_error}), " +
            "while other updates were stored: confirmed without being kept; only this line is left of it")]
    public static partial void QuarantineFailed(ILogger logger, long update_id, string chat_id_hash, int attempts, string error, string quarantine_error);

    [LoggerMessage(EventName = "ingress.quarantine_deferred", Level = LogLevel.Warning,
        Message = "Update {update_id} of chat {chat_id_hash} failed {attempts} times, but storage does not answer for everyone ({detail}): it stays unconfirmed until storage is back")]
    public static partial void QuarantineDeferred(ILogger logger, long update_id, string chat_id_hash, int attempts, string detail);

    [LoggerMessage(EventName = "ingress.stranger", Level = LogLevel.Information,
        Message = "Update {update_id} of chat {chat_id_hash}, outside ALLOWED_CHAT_IDS, confirmed without being stored; refusal: {refusal}")]
    public static partial void Stranger(ILogger logger, long update_id, string chat_id_hash, string refusal);

    [LoggerMessage(EventName = "ingress.refusal_failed", Level = LogLevel.Warning,
        Message = "The refusal to chat {chat_id_hash} was not delivered ({code}); it is not tried again")]
    public static partial void RefusalFailed(ILogger logger, string chat_id_hash, string code);

    [LoggerMessage(EventName = "ingress.early_empty_poll", Level = LogLevel.Debug,
        Message = "getUpdates answered nothing after {elapsed_ms} ms though asked to wait {timeout_seconds} s; next poll in {pause}")]
    public static partial void EarlyEmptyPoll(ILogger logger, double elapsed_ms, double timeout_seconds, TimeSpan pause);
}
