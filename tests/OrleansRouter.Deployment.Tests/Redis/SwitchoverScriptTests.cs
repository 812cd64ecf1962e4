using System.Globalization;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Redis;

/// <summary>
/// ops/redis-switchover.sh refusing what it cannot do: bad arguments (exit 2 with the usage), and a Sentinel that does
/// not answer or names no primary (exit 1, nothing paused). Its switchover itself runs in <see cref="SentinelFailoverTests"/>.
/// </summary>
public sealed class SwitchoverScriptTests
{
    private static readonly string Script = Path.Combine(RouterProcess.RepositoryRoot(), "ops", "redis-switchover.sh");

    [Theory]
    [InlineData("", "needs --sentinel HOST:PORT")]
    [InlineData("--sentinel sentinel-1", "needs --sentinel HOST:PORT")]
    [InlineData("--sentinel 127.0.0.1:26379 --pause-ms 100", "--pause-ms must be 500..30000, not '100'")]
    [InlineData("--sentinel 127.0.0.1:26379 --pause-ms soon", "--pause-ms must be 500..30000, not 'soon'")]
    [InlineData("--sentinel 127.0.0.1:26379 --service", "--service needs a value")]
    [InlineData("--sentinel 127.0.0.1:26379 --force", "unknown option '--force'")]
    public async Task Bad_arguments_exit_with_code_2_and_the_usage(string arguments, string reason)
    {
        var run = await SwitchOverAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(run.ExitCode == 2, $"the script refuses:\n{run}");
        Assert.Contains($"redis-switchover: {reason}", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 done", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sentinel_that_does_not_answer_moves_nothing()
    {
        var run = await SwitchOverAsync(["--sentinel", $"127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}"]);

        Assert.True(run.ExitCode == 1, $"the script fails:\n{run}");
        Assert.Contains("redis-switchover: cannot ask the Sentinel", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_the_sentinels_do_not_know_moves_nothing_and_pauses_nothing()
    {
        await using var redis = await RedisSentinelSet.StartAsync();
        var primary = await redis.AgreedPrimaryAsync();

        var run = await SwitchOverAsync(["--sentinel", $"127.0.0.1:{redis.SentinelPorts[0].ToString(CultureInfo.InvariantCulture)}", "--service", "elsewhere"], redis.Password);

        Assert.True(run.ExitCode == 1, $"the script fails:\n{run}");
        Assert.Contains("redis-switchover: the Sentinel at 127.0.0.1:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("names no primary for service 'elsewhere'", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(primary, await redis.AgreedPrimaryAsync());
        Assert.Equal("OK", (await RespClient.OnceAsync(primary!.Value, redis.Password, "SET", "written", "at once")).Text);
    }

    private static Task<CommandResult> SwitchOverAsync(string[] args, string? password = null) =>
        Command.RunAsync("bash", [Script, .. args], TimeSpan.FromMinutes(1), environment: new Dictionary<string, string?> { ["REDISCLI_AUTH"] = password });
}
