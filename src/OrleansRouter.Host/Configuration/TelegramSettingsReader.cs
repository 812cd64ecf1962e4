using System.Text.RegularExpressions;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Telegram.Stub;

namespace OrleansRouter.Host.Configuration;

/// <summary>The bot: its token, the Bot API it talks to, how updates arrive, and how fast it may send.</summary>
public static partial class TelegramSettingsReader
{
    public static TelegramSettings? Read(ConfigValues values, HttpEndpoint? http)
    {
        var mode = values.Choice<TransportMode>(ConfigKeys.TelegramTransportMode);
        var token = ReadToken(values, mode);
        var apiBase = values.HttpUrl(ConfigKeys.TelegramApiBaseUrl);
        var ingress = values.Choice<IngressMode>(ConfigKeys.TelegramIngress);
        var (webhookUrl, webhookSecret, webhookFailed) = ingress == IngressMode.Webhook ? ReadWebhook(values, mode) : (null, null, false);
        var active = values.Boolean(ConfigKeys.RouterActive);
        var lease = values.Seconds(ConfigKeys.PollerLeaseSeconds);
        var perSecond = values.Number(ConfigKeys.TelegramSendsPerSecond);
        var perChat = values.Number(ConfigKeys.TelegramChatSendsPerSecond);
        var perGroup = values.Number(ConfigKeys.TelegramGroupSendsPerMinute);

        if (mode is null || http is null || token is null || apiBase is null || ingress is null || webhookFailed || active is null
            || lease is null || perSecond is null || perChat is null || perGroup is null)
        {
            return null;
        }

        return new TelegramSettings(
            token,
            mode.Value,
            mode == TransportMode.Stub ? http.SelfUrl : apiBase,
            ingress.Value,
            webhookUrl,
            webhookSecret,
            active.Value,
            lease.Value,
            new SendPacing(perSecond.Value, perChat.Value, perGroup.Value));
    }

    /// <summary>Webhooks need the live Bot API, a URL Telegram can reach (https outside local) and a secret token.</summary>
    private static (Uri? Url, string? Secret, bool Failed) ReadWebhook(ConfigValues values, TransportMode? mode)
    {
        var failed = false;
        if (mode == TransportMode.Stub)
        {
            values.Report(ConfigKeys.TelegramIngress, "webhook needs the live transport", "set TELEGRAM_TRANSPORT_MODE=live, or use polling with the stub");
            failed = true;
        }

        var url = values.HttpUrl(ConfigKeys.TelegramWebhookUrl);
        if (url is not null && url.Scheme != Uri.UriSchemeHttps && !values.IsLocal)
        {
            values.Report(ConfigKeys.TelegramWebhookUrl, "is not an https URL", "Telegram only posts to https webhooks");
            url = null;
        }

        var secret = values[ConfigKeys.TelegramWebhookSecret];
        if (secret is null || secret.Length > 256 || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            values.Report(ConfigKeys.TelegramWebhookSecret, secret is null ? "is not set" : "is not 1 to 256 of A-Z, a-z, 0-9, _ and -",
                "set a random secret, e.g. openssl rand -hex 32; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token");
            secret = null;
        }

        return (url, secret, failed || url is null || secret is null);
    }

    private static string? ReadToken(ConfigValues values, TransportMode? mode)
    {
        var token = values[ConfigKeys.TelegramBotToken];
        if (token is null)
        {
            if (mode == TransportMode.Stub)
            {
                return StubBotApi.DefaultToken;
            }

            values.Report(ConfigKeys.TelegramBotToken, "is not set", "set the bot token from @BotFather");
            return null;
        }

        if (mode == TransportMode.Live && !BotTokenShape().IsMatch(token))
        {
            values.Report(ConfigKeys.TelegramBotToken, "does not look like a bot token", "a token is <bot id>:<secret>, as @BotFather gives it");
            return null;
        }

        return token;
    }

    /// <summary>What Telegram.Bot itself accepts: a numeric bot id, a colon, a secret.</summary>
    [GeneratedRegex(@"^\d{1,16}:[A-Za-z0-9_-]+$")]
    private static partial Regex BotTokenShape();
}
