using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Redis;

/// <summary>
/// How long the router stopped taking updates and sending replies after a moment: the longest gaps between
/// confirmations (an update is confirmed only once it is stored) and between sends, from what the Bot API saw.
/// </summary>
public sealed record Stalls(TimeSpan Accepting, TimeSpan Sending)
{
    public static Stalls Since(DateTimeOffset from, BotApiEmulator telegram) =>
        new(LongestGap(from, telegram.ConfirmedAt.Values), LongestGap(from, telegram.Sent.Select(s => s.At)));

    public override string ToString() => $"accepting stalled {Accepting.TotalSeconds:0.0} s, sending {Sending.TotalSeconds:0.0} s";

    private static TimeSpan LongestGap(DateTimeOffset from, IEnumerable<DateTimeOffset> times)
    {
        var after = times.Where(t => t >= from).Order().Prepend(from).ToList();
        return after.Zip(after.Skip(1), (a, b) => b - a).DefaultIfEmpty(TimeSpan.Zero).Max();
    }
}
