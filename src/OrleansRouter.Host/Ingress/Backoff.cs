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
}
