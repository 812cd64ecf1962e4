using OrleansRouter.Telegram.Sending;

namespace OrleansRouter.Host.Configuration;

/// <param name="WebhookUrl">The public URL Telegram posts to, in webhook mode; its path is served on <c>HTTP_ENDPOINT</c>.</param>
/// <param name="Active">False for a standby silo: it hosts grains but never polls Telegram.</param>
public sealed record TelegramSettings(
    string Token,
    TransportMode Mode,
    Uri ApiBaseUrl,
    IngressMode Ingress,
    Uri? WebhookUrl,
    string? WebhookSecret,
    bool Active,
    TimeSpan PollerLease,
    SendPacing Pacing);

public enum TransportMode
{
    /// <summary>The embedded Bot API look-alike on the router's own HTTP endpoint.</summary>
    Stub,

    /// <summary>A real Bot API server at <c>TELEGRAM_API_BASE_URL</c>.</summary>
    Live,
}

public enum IngressMode
{
    /// <summary>getUpdates long polling, by the one silo that holds the poller lease.</summary>
    Polling,

    /// <summary>Telegram posts updates to every silo's webhook endpoint.</summary>
    Webhook,
}
