using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Chats;
using OrleansRouter.Privacy;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Sends the strangers' refusals, one at a time, through the paced sender the chats use, and leaves a second between
/// two of them: refusals take a small, fixed part of the bot's sending budget however many strangers write. A
/// refusal is said once; one that fails is not tried again (the stranger may write again after the interval).
/// </summary>
public sealed class StrangerRefusalSender(StrangerGate gate, IChatSender sender, ChatIdHasher hasher, TimeProvider clock, ILogger<StrangerRefusalSender> logger)
    : BackgroundService
{
    internal static readonly TimeSpan Spacing = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var refusal in gate.Pending.ReadAllAsync(stoppingToken))
            {
                if (await sender.SendTextAsync(refusal.ChatId, StrangerGate.Refusal, refusal.ReplyTo, null, stoppingToken) is SendFailed failed)
                {
                    IngressLog.RefusalFailed(logger, hasher.Hash(refusal.ChatId), failed.Code);
                }

                await Task.Delay(Spacing, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
