using Microsoft.Extensions.Logging;

namespace OrleansRouter.Host.Telemetry;

/// <summary>The host's log events: start, stop, ingress and health.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventName = "router.starting", Level = LogLevel.Information,
        Message = "Starting in {router_env}: Telegram {transport} by {ingress}, personas: {persona_count}, HTTP on {http_endpoint}, silo port {silo_port}")]
    public static partial void Starting(ILogger logger, string router_env, string transport, string ingress, int persona_count, string http_endpoint, int silo_port);

    [LoggerMessage(EventName = "router.ready", Level = LogLevel.Information, Message = "Ready: Telegram and every agent answer")]
    public static partial void Ready(ILogger logger);

    [LoggerMessage(EventName = "router.draining", Level = LogLevel.Information,
        Message = "Draining: no new updates are taken; stopping within {drain_seconds} s")]
    public static partial void Draining(ILogger logger, double drain_seconds);

    [LoggerMessage(EventName = "ingress.started", Level = LogLevel.Information, Message = "Long polling started")]
    public static partial void IngressStarted(ILogger logger);

    [LoggerMessage(EventName = "telegram.poll_failed", Level = LogLevel.Warning,
        Message = "getUpdates failed ({code}): {detail}; next try in {retry_in}")]
    public static partial void PollFailed(ILogger logger, string code, string detail, TimeSpan retry_in);

    [LoggerMessage(EventName = "telegram.webhook_cleared", Level = LogLevel.Warning,
        Message = "Could not delete a webhook before polling ({detail}); getUpdates will report a conflict if one is set")]
    public static partial void WebhookNotCleared(ILogger logger, string detail);

    [LoggerMessage(EventName = "update.accepted", Level = LogLevel.Debug,
        Message = "Update {update_id} accepted by chat {chat_id_hash} ({result})")]
    public static partial void UpdateAccepted(ILogger logger, long update_id, string chat_id_hash, string result);

    [LoggerMessage(EventName = "update.skipped", Level = LogLevel.Debug, Message = "Update {update_id} carries no message; confirmed without routing")]
    public static partial void UpdateSkipped(ILogger logger, long update_id);

    [LoggerMessage(EventName = "ingress.accept_failed", Level = LogLevel.Warning,
        Message = "Chat {chat_id_hash} could not store update {update_id}; it stays unconfirmed and comes again")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string chat_id_hash, long update_id);

    [LoggerMessage(EventName = "health.changed", Level = LogLevel.Information,
        Message = "{component} is {status}: {detail}")]
    public static partial void HealthChanged(ILogger logger, string component, string status, string detail);
}
