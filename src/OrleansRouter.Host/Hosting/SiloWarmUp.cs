using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using OrleansRouter.Grains;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Personas;
using Telegram.Bot;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// Takes the message path once through everything its first use costs, before the poller starts and before
/// <c>/healthz</c> says ready: Telegram.Bot's JSON for an update and a sent message, the translation, the message's
/// serializer, a chat grain's activation, the chats storage and the reminder table (<see cref="IWarmUpGrain"/>), and
/// each rate-limited persona's grain. Nothing reaches Telegram or an agent, nothing is stored, and a failure only
/// leaves the first messages slower: it is logged, never fatal.
/// </summary>
public sealed class SiloWarmUp(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    PersonaMap personas,
    Serializer serializer,
    TimeProvider clock,
    ILogger<SiloWarmUp> logger) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>No Telegram chat has id 0: its grain is activated and read, never written.</summary>
    private const long NoChat = 0;

    private const string SampleUpdate =
        """{"update_id":1,"message":{"message_id":1,"date":1767225600,"text":"warm-up","from":{"id":1,"is_bot":false,"first_name":"w"},"chat":{"id":1,"type":"private"}}}""";

    private const string SampleSent =
        """{"message_id":2,"date":1767225600,"text":"warm-up","from":{"id":2,"is_bot":true,"first_name":"b"},"chat":{"id":1,"type":"private"}}""";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Limit);
        try
        {
            WarmTelegramJson();
            await grains.GetGrain<IWarmUpGrain>(silo.SiloAddress.ToParsableString()).WarmAsync().WaitAsync(deadline.Token);
            await grains.GetGrain<IChatGrain>(NoChat).GetState().WaitAsync(deadline.Token);
            foreach (var persona in personas.All.Where(p => p.RateWindow is not null))
            {
                await grains.GetGrain<IPersonaGrain>(persona.Name).GetState().WaitAsync(deadline.Token);
            }

            HostLog.WarmedUp(logger, Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            HostLog.WarmUpFailed(logger, e.GetType().Name, Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WarmTelegramJson()
    {
        var update = JsonSerializer.Deserialize<Update>(SampleUpdate, JsonBotAPI.Options)!;
        var message = UpdateTranslator.Translate(update, clock.GetUtcNow())!;
        serializer.Deserialize<InboundMessage>(serializer.SerializeToArray(message));
        JsonSerializer.Deserialize<ApiResponse<Update[]>>($$"""{"ok":true,"result":[{{SampleUpdate}}]}""", JsonBotAPI.Options);
        JsonSerializer.Serialize(new SendMessageRequest { ChatId = message.ChatId, Text = "warm-up" }, JsonBotAPI.Options);
        JsonSerializer.Deserialize<ApiResponse<Message>>($$"""{"ok":true,"result":{{SampleSent}}}""", JsonBotAPI.Options);
    }
}
