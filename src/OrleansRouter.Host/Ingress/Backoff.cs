namespace OrleansRouter.Host.Ingress;

/// <summary>Doubling waits between failed polls, from one second to thirty, with a little jitter.</summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private TimeSpan _next = First;

    public TimeSpan Next()
    {
        var wait = _next;
        _next = _next * 2 < Longest ? _next * 2 : Longest;
        return wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250));
    }

    public void Reset() => _next = First;

    /// <summary>
    /// Makes a start-up call to Telegram until it goes through or the host stops, backing off between failures, each
    /// told to <paramref name="failed"/> with the wait before the next try.
    /// </summary>
    public static async Task UntilDoneAsync(Func<CancellationToken, Task> call, Action<Exception, TimeSpan> failed, TimeProvider clock, CancellationToken stoppingToken)
    {
        var backoff = new Backoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await call(stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var wait = backoff.Next();
                failed(e, wait);
                await Task.Delay(wait, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
