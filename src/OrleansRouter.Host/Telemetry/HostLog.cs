using Microsoft.Extensions.Logging;

namespace OrleansRouter.Host.Telemetry;

/// <summary>The host's log events: start, stop, ingress and health.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventName = "router.starting", Level = LogLevel.Information,
        Message = "Starting in {router_env}, cluster {cluster_id}: Telegram {transport} by {ingress}, personas: {persona_count}, HTTP on {http_endpoint}, silo port {silo_port}")]
    public static partial void Starting(ILogger logger, string router_env, string cluster_id, string transport, string ingress, int persona_count, string http_endpoint, int silo_port);

    [LoggerMessage(EventName = "router.ready", Level = LogLevel.Information, Message = "Ready: Telegram and every agent answer")]
    public static partial void Ready(ILogger logger);

    [LoggerMessage(EventName = "router.warmed_up", Level = LogLevel.Information,
        Message = "Warmed up in {warm_up_ms} ms: Telegram's JSON, the grain calls, the chats storage and the reminder table")]
    public static partial void WarmedUp(ILogger logger, double warm_up_ms);

    [LoggerMessage(EventName = "router.warm_up_failed", Level = LogLevel.Warning,
        Message = "The warm-up failed ({error_type}) after {warm_up_ms} ms; the first messages pay for what it did not reach")]
    public static partial void WarmUpFailed(ILogger logger, string error_type, double warm_up_ms);

    [LoggerMessage(EventName = "chats.woken", Level = LogLevel.Information,
        Message = "Woke {chat_count} chats with a wake reminder in {wake_ms} ms, so that work a stopped silo left stored resumes now")]
    public static partial void ChatsWoken(ILogger logger, int chat_count, double wake_ms);

    [LoggerMessage(EventName = "chats.wake_failed", Level = LogLevel.Warning,
        Message = "Could not wake the chats with a wake reminder ({error_type}); their reminders wake them on their next tick")]
    public static partial void WakeFailed(ILogger logger, string error_type);

    [LoggerMessage(EventName = "router.draining", Level = LogLevel.Information,
        Message = "Draining: no new updates are taken; {in_flight} agent calls and sends get up to {drain_seconds} s to finish")]
    public static partial void Draining(ILogger logger, double drain_seconds, long in_flight);

    [LoggerMessage(EventName = "router.drained", Level = LogLevel.Information,
        Message = "Drained: {in_flight} calls still under way, {queue_depth} messages stay stored for the other silos")]
    public static partial void Drained(ILogger logger, long in_flight, long queue_depth);

    [LoggerMessage(EventName = "ingress.standby", Level = LogLevel.Information,
        Message = "Standby silo (ROUTER_ACTIVE=false): hosting chats, never polling Telegram")]
    public static partial void Standby(ILogger logger);

    [LoggerMessage(EventName = "poller.lease_acquired", Level = LogLevel.Information,
        Message = "This silo ({holder}) holds the poller lease (token {lease_token}) and polls Telegram")]
    public static partial void LeaseAcquired(ILogger logger, string holder, long lease_token);

    [LoggerMessage(EventName = "poller.lease_released", Level = LogLevel.Information,
        Message = "Silo {holder} gave the poller lease (token {lease_token}) up")]
    public static partial void LeaseReleased(ILogger logger, string holder, long lease_token);

    [LoggerMessage(EventName = "poller.lease_lost", Level = LogLevel.Warning,
        Message = "Silo {holder} lost the poller lease (token {lease_token}); it stopped polling")]
    public static partial void LeaseLost(ILogger logger, string holder, long lease_token);

    [LoggerMessage(EventName = "poller.lease_unreachable", Level = LogLevel.Warning,
        Message = "The poller lease could not be reached: {detail}")]
    public static partial void LeaseUnreachable(ILogger logger, string detail);

    [LoggerMessage(EventName = "telegram.webhook_set", Level = LogLevel.Information, Message = "Telegram posts updates to {webhook_url}")]
    public static partial void WebhookSet(ILogger logger, string webhook_url);

    [LoggerMessage(EventName = "telegram.webhook_failed", Level = LogLevel.Warning,
        Message = "setWebhook failed: {detail}; next try in {retry_in}")]
    public static partial void WebhookNotSet(ILogger logger, string detail, TimeSpan retry_in);

    [LoggerMessage(EventName = "telegram.commands_set", Level = LogLevel.Information, Message = "Telegram shows the router's {count} commands in the bot's menu")]
    public static partial void CommandsSet(ILogger logger, int count);

    [LoggerMessage(EventName = "telegram.commands_failed", Level = LogLevel.Warning,
        Message = "setMyCommands failed: {detail}; next try in {retry_in}")]
    public static partial void CommandsNotSet(ILogger logger, string detail, TimeSpan retry_in);

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

    /// <remarks>Only the exception's type: Orleans' messages name the grain, whose key is the chat id.</remarks>
    [LoggerMessage(EventName = "ingress.accept_failed", Level = LogLevel.Warning,
        Message = "Chat {chat_id_hash} could not store update {update_id} ({error}); it stays unconfirmed and comes again")]
    public static partial void AcceptFailed(ILogger logger, string error, string chat_id_hash, long update_id);

    [LoggerMessage(EventName = "health.changed", Level = LogLevel.Information,
        Message = "{component} is {status}: {detail}")]
    public static partial void HealthChanged(ILogger logger, string component, string status, string detail);

    [LoggerMessage(EventName = "health.tick", Level = LogLevel.Information,
        Message = "Health {status}: router {router_state}, telegram {telegram_status}, storage {storage_status}, agents {a2a_status} {@personas}, " +
            "{queue_depth} waiting, retry cache {retry_cache_usage} used, up {uptime_seconds} s")]
    public static partial void HealthTick(ILogger logger, string status, string router_state, string telegram_status, string storage_status,
        string a2a_status, IReadOnlyDictionary<string, string> personas, long queue_depth, double retry_cache_usage, double uptime_seconds);

    [LoggerMessage(EventName = "health.probe_failed", Level = LogLevel.Warning, Message = "The health probe {probe} failed unexpectedly ({error})")]
    public static partial void ProbeFailed(ILogger logger, string probe, string error);

    [LoggerMessage(EventName = "log.forward_dropped", Level = LogLevel.Warning,
        Message = "The log drain {log_forward} lost {dropped} lines in the last interval ({dropped_total} since the start): it is down or too slow")]
    public static partial void ForwardDropped(ILogger logger, string log_forward, long dropped, long dropped_total);

    [LoggerMessage(EventName = "deploy.audit", Level = LogLevel.Information,
        Message = "Deployed image {image_digest} built from {build_sha}, lock files {lock_sha256}, configuration {config_manifest_hash}; operator {deploy_operator_id}, approver {deploy_approver_id}; secret versions {@secret_versions}")]
    public static partial void DeployAudit(ILogger logger, string? image_digest, string build_sha, string lock_sha256, string config_manifest_hash,
        string? deploy_operator_id, string? deploy_approver_id, IReadOnlyDictionary<string, string> secret_versions);

    [LoggerMessage(EventName = "redis.connect_failed", Level = LogLevel.Warning,
        Message = "No Sentinel named a primary for service {service_name} ({detail}); next try in {retry_in}")]
    public static partial void RedisConnectFailed(ILogger logger, string service_name, string detail, TimeSpan retry_in);

    [LoggerMessage(EventName = "redis.sentinel_primary", Level = LogLevel.Information,
        Message = "Redis through the Sentinels of service {service_name}: writes go to the primary {redis_endpoint}")]
    public static partial void RedisSentinelPrimary(ILogger logger, string service_name, string redis_endpoint);

    [LoggerMessage(EventName = "redis.connection_lost", Level = LogLevel.Warning,
        Message = "Lost the {connection_type} connection to Redis {redis_endpoint} ({failure}); reconnecting")]
    public static partial void RedisConnectionLost(ILogger logger, string redis_endpoint, string connection_type, string failure);

    [LoggerMessage(EventName = "redis.connection_restored", Level = LogLevel.Information,
        Message = "The {connection_type} connection to Redis {redis_endpoint} is back")]
    public static partial void RedisConnectionRestored(ILogger logger, string redis_endpoint, string connection_type);

    [LoggerMessage(EventName = "redis.unprotected_failover", Level = LogLevel.Warning,
        Message = "The Redis primary {redis_endpoint} takes writes with no replica in sync (min-replicas-to-write is 0): " +
            "a Sentinel failover loses what is written to it until the Sentinels demote it (docs/redis.md)")]
    public static partial void RedisUnprotectedFailover(ILogger logger, string redis_endpoint);

    [LoggerMessage(EventName = "redis.check_failed", Level = LogLevel.Warning,
        Message = "Could not read the replication settings of the Redis primary {redis_endpoint}: {detail}")]
    public static partial void RedisCheckFailed(ILogger logger, string redis_endpoint, string detail);
}
