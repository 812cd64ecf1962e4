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

    [Theory]
    [InlineData("HTTP_ENDPOINT")]
    [InlineData("SILO_PORT")]
    public async Task A_port_in_use_is_one_clear_line_and_exit_code_1(string key)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var environment = new Dictionary<string, string> { ["ROUTER_ENV"] = "local" };
        environment[key] = key == "HTTP_ENDPOINT" ? $"127.0.0.1:{port}" : $"{port}";

        await using var router = RouterProcess.Start(environment);

        Assert.Equal(1, await router.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(router.StandardError, line => line.StartsWith("orleans-router: a port this silo needs is already in use", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", router.Output, StringComparison.Ordinal);
    }
}
