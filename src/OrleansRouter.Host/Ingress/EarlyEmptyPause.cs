namespace OrleansRouter.Host.Ingress;

/// <summary>
/// The pause after an empty getUpdates answer that came back much sooner than the long poll asked for: a Bot API
/// (a proxy, a self-hosted server, an emulator) that ignores the timeout would otherwise be polled in a tight loop,
/// hundreds of times a second. The pause starts short, so one early answer costs nothing, and doubles up to a few
/// seconds while early empty answers go on; any update, or a poll that really waited, ends it.
/// </summary>
public sealed class EarlyEmptyPause(TimeSpan pollTimeout)
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    private TimeSpan _next = First;

    /// <summary>An empty answer is early when it came in less than half the time the poll asked Telegram to wait.</summary>
    public TimeSpan EarlyBelow => pollTimeout / 2;

    /// <summary>The pause before the next poll after an answer of <paramref name="count"/> updates that took <paramref name="elapsed"/>.</summary>
    public TimeSpan After(int count, TimeSpan elapsed)
    {
        if (count > 0 || elapsed >= EarlyBelow)
        {
            _next = First;
            return TimeSpan.Zero;
        }

        var pause = _next;
        _next = _next * 2 < Longest ? _next * 2 : Longest;
        return pause;
    }
}
