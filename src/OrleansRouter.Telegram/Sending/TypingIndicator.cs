using OrleansRouter.Chats;

namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// Keeps "typing…" visible while an agent works: the first action after a short grace period (an agent that
/// answers at once costs no extra Bot API call), then every four seconds, since Telegram shows one for five.
/// </summary>
public sealed class TypingIndicator(IChatSender sender, TimeProvider clock) : ITypingIndicator
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);

    public IAsyncDisposable Start(long chatId)
    {
        var stop = new CancellationTokenSource();
        var first = clock.GetUtcNow() + GracePeriod;

        // Off the caller's scheduler: a grain must not be woken for a cosmetic call.
        var loop = Task.Run(() => KeepTypingAsync(chatId, first, stop.Token), CancellationToken.None);
        return new Session(stop, loop);
    }

    /// <summary>Keeps to a schedule fixed at start, so a slow send does not push the next action back.</summary>
    private async Task KeepTypingAsync(long chatId, DateTimeOffset next, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var wait = next - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stop);
                }

                stop.ThrowIfCancellationRequested();
                await sender.SendTypingAsync(chatId, stop);
                next += Interval;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private sealed class Session(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            stop.Dispose();
        }
    }
}
