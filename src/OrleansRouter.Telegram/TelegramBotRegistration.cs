using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Chats;
using OrleansRouter.Telegram.Members;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Media;
using OrleansRouter.Telegram.Files;
using Telegram.Bot;

namespace OrleansRouter.Telegram;

public static class TelegramBotRegistration
{
    public const string HttpClientName = "telegram";

    /// <summary>
    /// Registers the Telegram.Bot client against <paramref name="apiBaseUrl"/> (the public Bot API, a self-hosted
    /// server, an emulator or the embedded stub) with its own 429 sleeping turned off: waiting is the grain's job.
    /// Chats send through the <see cref="SendPacer"/>, which keeps to <paramref name="pacing"/>.
    /// </summary>
    public static IServiceCollection AddTelegramBot(this IServiceCollection services, string token, Uri apiBaseUrl, SendPacing pacing)
    {
        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(90));
        services.AddSingleton<ITelegramBotClient>(provider =>
        {
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            var options = new TelegramBotClientOptions(token, apiBaseUrl.GetLeftPart(UriPartial.Authority)) { RetryThreshold = 0 };
            return new TelegramBotClient(options, http);
        });
        services.AddSingleton<TelegramSender>();
        services.AddSingleton(provider => new SendPacer(pacing, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IChatSender, PacedChatSender>();
        services.AddSingleton<ITypingIndicator, TypingIndicator>();
        services.AddSingleton<IChatMembers, TelegramChatMembers>();
        services.AddSingleton<IChatFiles, TelegramFiles>();
        return services;
    }
}
