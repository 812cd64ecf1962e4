using OrleansRouter.Host.Ingress;

namespace OrleansRouter.Tests.Ingress;

public sealed class RefusalMemoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_stranger_is_refused_once_per_interval()
    {
        var memory = new RefusalMemory(capacity: 10, TimeSpan.FromMinutes(60));

        Assert.True(memory.TryRefuse(7, Start));
        Assert.False(memory.TryRefuse(7, Start.AddMinutes(1)));
        Assert.False(memory.TryRefuse(7, Start.AddMinutes(59)));
        Assert.True(memory.TryRefuse(8, Start.AddMinutes(59)));
        Assert.True(memory.TryRefuse(7, Start.AddMinutes(60)));
    }

    [Fact]
    public void A_flood_of_strangers_stays_within_the_capacity_and_forgets_the_oldest_first()
    {
        var memory = new RefusalMemory(capacity: 100, TimeSpan.FromMinutes(60));

        for (var chat = 1; chat <= 10_000; chat++)
        {
            Assert.True(memory.TryRefuse(chat, Start.AddMilliseconds(chat)));
        }

        Assert.Equal(100, memory.Count);
        Assert.False(memory.TryRefuse(10_000, Start.AddSeconds(20)));
        Assert.True(memory.TryRefuse(1, Start.AddSeconds(20)));
    }
}
