namespace OrleansRouter.Testing.Hostile;

/// <summary>
/// Asks a router's <c>/healthz</c> every 200 ms while a test throws things at it, and keeps every answer that was
/// not the one expected: a router that stops answering, or turns unhealthy, for a moment in between is caught.
/// </summary>
public sealed class HealthWatch : IAsyncDisposable
{
    private readonly RouterProcess _router;
    private readonly Func<int, bool> _acceptable;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(DateTimeOffset At, int Status)> _bad = [];
    private readonly Task _watching;
    private int _asked;

    private HealthWatch(RouterProcess router, Func<int, bool> acceptable)
    {
        _router = router;
        _acceptable = acceptable;
        _watching = WatchAsync();
    }

    /// <summary>How many times it asked.</summary>
    public int Asked => Volatile.Read(ref _asked);

    /// <summary>Watches for anything but a 200 (<paramref name="acceptable"/> says otherwise).</summary>
    public static HealthWatch Start(RouterProcess router, Func<int, bool>? acceptable = null) => new(router, acceptable ?? (status => status == 200));

    /// <summary>Stops watching; the answers that were not acceptable (status 0: no answer at all), with when they came.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, int Status)>> StopAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        lock (_bad)
        {
            return _bad.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WatchAsync()
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await tick.WaitForNextTickAsync(_stop.Token))
            {
                var (status, _) = await _router.HealthAsync();
                Interlocked.Increment(ref _asked);
                if (!_acceptable(status) && !_stop.IsCancellationRequested)
                {
                    lock (_bad)
                    {
                        _bad.Add((DateTimeOffset.UtcNow, status));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
