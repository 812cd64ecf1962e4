using OrleansRouter.Host.Ingress;

namespace OrleansRouter.Tests.Ingress;

public sealed class EarlyEmptyPauseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(25);

    [Fact]
    public void Empty_answers_that_come_back_at_once_pause_from_100_ms_doubling_up_to_5_s()
    {
        var pause = new EarlyEmptyPause(Timeout);

        var pauses = Enumerable.Range(0, 9).Select(_ => pause.After(0, TimeSpan.FromMilliseconds(1)).TotalMilliseconds).ToList();

        Assert.Equal([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000], pauses);
    }

    [Fact]
    public void An_update_or_a_poll_that_really_waited_ends_the_pause()
    {
        var pause = new EarlyEmptyPause(Timeout);
        pause.After(0, TimeSpan.Zero);
        pause.After(0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, pause.After(3, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pause.After(0, TimeSpan.Zero));
        Assert.Equal(TimeSpan.Zero, pause.After(0, Timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pause.After(0, TimeSpan.FromSeconds(12)));
    }
}
