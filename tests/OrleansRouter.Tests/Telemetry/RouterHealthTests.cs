using OrleansRouter.Host.Health;

namespace OrleansRouter.Tests.Telemetry;

public sealed class RouterHealthTests
{
    [Fact]
    public void Two_failed_polls_in_a_row_degrade_Telegram_and_one_good_poll_restores_it()
    {
        var health = new RouterHealth(TimeProvider.System);
        health.ReportTelegram(true, "getMe answered");

        health.ReportPoll("http_409: Conflict");
        var afterOne = health.Telegram.Status;
        health.ReportPoll("http_409: Conflict");
        var afterTwo = health.Telegram;
        health.ReportPoll(null);

        Assert.Equal(ComponentHealth.Ready, afterOne);
        Assert.Equal(ComponentHealth.Degraded, afterTwo.Status);
        Assert.Contains("409", afterTwo.Detail);
        Assert.Equal(ComponentHealth.Ready, health.Telegram.Status);
    }

    [Fact]
    public void A_part_that_never_answered_has_failed_and_one_that_did_degrades_after_two_failures()
    {
        var health = new RouterHealth(TimeProvider.System);

        health.ReportAgent("a", false, "refused");
        var never = health.Agents["a"].Status;
        health.ReportAgent("a", true, "card");
        health.ReportAgent("a", false, "refused");
        var once = health.Agents["a"].Status;
        health.ReportAgent("a", false, "refused");

        Assert.Equal(ComponentHealth.Failed, never);
        Assert.Equal(ComponentHealth.Ready, once);
        Assert.Equal(ComponentHealth.Degraded, health.Agents["a"].Status);
        Assert.Equal(ComponentHealth.Degraded, health.AgentsStatus);
    }
}
