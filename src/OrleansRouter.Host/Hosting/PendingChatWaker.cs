using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// Once a silo has started, wakes every chat that keeps a wake reminder, instead of leaving it to the reminder's next
/// tick (up to <c>CHAT_REMINDER_SECONDS</c> later): after a crash, the chats of the silo that died answer their stored
/// messages within seconds. Waking is a read: a chat that is active elsewhere just answers, a dormant one is activated
/// and resumes its inbox. The reminders stay the backstop; a failed sweep is logged and left to them.
/// </summary>
public sealed class PendingChatWaker(IReminderTable reminders, IGrainFactory grains, TimeProvider clock, ILogger<PendingChatWaker> logger) : BackgroundService
{
    /// <summary>Chats woken at once: enough to take a dead silo's share in seconds, not so many that the first new messages wait.</summary>
    private const int AtOnce = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = clock.GetTimestamp();
        var chatType = grains.GetGrain<IChatGrain>(0).GetGrainId().Type;
        try
        {
            // 0 to 0 is the whole ring: every reminder of the cluster, whichever silo owns it.
            var table = await reminders.ReadRows(0, 0, stoppingToken);
            var pending = table.Reminders
                .Where(r => r.ReminderName == ChatGrain.WakeReminder && r.GrainId.Type == chatType)
                .Select(r => r.GrainId)
                .Distinct()
                .ToList();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = stoppingToken },
                async (chat, _) => await grains.GetGrain<IChatGrain>(chat).GetState());
            HostLog.ChatsWoken(logger, pending.Count, Math.Round(clock.GetElapsedTime(started).TotalMilliseconds));
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            HostLog.WakeFailed(logger, e.GetType().Name);
        }
    }
}
