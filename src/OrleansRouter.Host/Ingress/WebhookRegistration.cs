using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>Tells Telegram where to post updates, with the secret token and the update types; retries until it worked.</summary>
public sealed class WebhookRegistration(ITelegramBotClient bot, TelegramSettings settings, TimeProvider clock, ILogger<WebhookRegistration> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Backoff.UntilDoneAsync(
        async token =>
        {
            await bot.SetWebhook(settings.WebhookUrl!.AbsoluteUri, allowedUpdates: UpdateTranslator.Wanted, secretToken: settings.WebhookSecret, cancellationToken: token);
            HostLog.WebhookSet(logger, settings.WebhookUrl.GetLeftPart(UriPartial.Path));
        },
        (e, wait) => HostLog.WebhookNotSet(logger, e.Message, wait),
        clock,
        stoppingToken);
}
