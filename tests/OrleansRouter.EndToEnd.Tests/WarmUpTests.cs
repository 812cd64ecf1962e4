using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>A starting silo warms the message path up before it polls and before <c>/healthz</c> says ready.</summary>
public sealed class WarmUpTests
{
    [Fact]
    public async Task A_silo_on_redis_warms_up_before_it_polls_and_then_answers_its_first_message()
    {
        await using var surroundings = await RouterSurroundings.StartAsync(RedisUse.Volatile);
        var environment = surroundings.Environment();
        environment["ORLEANS_STORAGE"] = "redis";
        await using var router = RouterProcess.Start(environment);
        await router.WaitForHealthyAsync();

        surroundings.Telegram.Post(7001, "first");
        await surroundings.Telegram.WaitUntilAsync(t => t.SentTo(7001).Any(m => m.Text == "reply: first"), TimeSpan.FromSeconds(60), "the first reply");

        var events = router.Events.Select(e => e["event"]?.GetValue<string>()).ToList();
        Assert.DoesNotContain("router.warm_up_failed", events);
        var warmedUp = events.IndexOf("router.warmed_up");
        Assert.True(warmedUp >= 0, "no router.warmed_up event:\n" + router.Output);
        Assert.True(warmedUp < events.IndexOf("poller.lease_acquired"), "the poller took the lease before the warm-up ended");
        Assert.True(warmedUp < events.IndexOf("router.ready"), "ready before the warm-up ended");
    }
}
