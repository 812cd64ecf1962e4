namespace OrleansRouter.Grains.Personas;

/// <summary>
/// A sliding window kept as <see cref="Steps"/> buckets: a message counts until its bucket is a whole window old.
/// Cheap to store however many messages it holds, and exact to within one step (a 12 h window: 1 h).
/// </summary>
internal sealed class SlidingWindow
{
    public const int Steps = 12;

    public SlidingWindow(TimeSpan window) => StepTicks = Math.Max(window.Ticks / Steps, 1);

    public long StepTicks { get; }

    public long StepOf(DateTimeOffset time) => time.UtcTicks / StepTicks;

    /// <summary>Drops the buckets that have slid out of the window ending in <paramref name="step"/>.</summary>
    public static void Expire(List<RateBucket> buckets, long step) => buckets.RemoveAll(b => b.Step <= step - Steps);

    public static int Count(List<RateBucket> buckets) => buckets.Sum(b => b.Count);

    public static void Add(List<RateBucket> buckets, long step)
    {
        if (buckets.Count > 0 && buckets[^1].Step == step)
        {
            buckets[^1].Count++;
            return;
        }

        buckets.Add(new RateBucket { Step = step, Count = 1 });
    }

    /// <summary>The first moment the (expired) buckets hold fewer than <paramref name="max"/> messages.</summary>
    public DateTimeOffset RoomAt(List<RateBucket> buckets, int max)
    {
        var remaining = Count(buckets);
        foreach (var bucket in buckets)
        {
            remaining -= bucket.Count;
            if (remaining < max)
            {
                return new DateTimeOffset((bucket.Step + Steps) * StepTicks, TimeSpan.Zero);
            }
        }

        return new DateTimeOffset(0, TimeSpan.Zero);
    }
}
