using OrleansRouter.Queues;

namespace OrleansRouter.Grains.Chats;

/// <summary>Exponential backoff with jitter: attempt n waits between half and all of base·2ⁿ⁻¹, capped.</summary>
internal static class RetryPolicy
{
    public static TimeSpan Delay(QueueOptions options, int attempt, double jitter)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var full = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full / 2 + (full / 2 * Math.Clamp(jitter, 0, 1)));
    }

    public static TimeSpan Delay(QueueOptions options, int attempt) => Delay(options, attempt, Random.Shared.NextDouble());
}
