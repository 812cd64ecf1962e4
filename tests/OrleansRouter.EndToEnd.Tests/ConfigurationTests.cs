using OrleansRouter.EndToEnd.Support;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task A_bad_configuration_stops_start_up_with_every_problem_listed()
    {
        await using var router = RouterProcess.Start(new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "production",
            ["QUEUE_MAX_DEPTH_PER_CHAT"] = "many",
        });

        Assert.Equal(2, await router.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var problems = router.EventsNamed("config.guard").Select(e => e["key"]!.GetValue<string>()).ToList();
        Assert.Equal(["TELEGRAM_BOT_TOKEN", "PERSONA_MAP_FILE", "QUEUE_MAX_DEPTH_PER_CHAT", "REDIS_CONNECTION_STRING", "CHAT_ID_HASH_SALT"], problems);
        Assert.Contains(router.StandardError, line => line.Contains("5 problems", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_argument_is_refused_with_the_usage()
    {
        await using var router = RouterProcess.Start(new Dictionary<string, string> { ["ROUTER_ENV"] = "local" }, "--frobnicate");

        Assert.Equal(2, await router.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(router.StandardError, line => line.Contains("unknown argument '--frobnicate'", StringComparison.Ordinal));
        Assert.Contains(router.StandardError, line => line.StartsWith("Usage:", StringComparison.Ordinal));
    }
}
