using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary><c>--inspect-queue</c> against a two-silo cluster on Redis with work waiting, in flight, in retry and dead.</summary>
public sealed class QueueInspectionTests
{
    private const long SlowChat = 987_654_321_001;
    private const long RetryingChat = 987_654_321_002;
    private const long FatalChat = 987_654_321_003;

    /// <summary>Retries wait long enough to be seen waiting.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["RETRY_BASE_DELAY_MS"] = "30000",
        ["RETRY_MAX_DELAY_MS"] = "60000",
        ["CHAT_ID_HASH_SALT"] = "inspect-salt-0123456789",
    };

    [Fact]
    public async Task It_reports_each_silo_and_the_busiest_chats_with_hashed_ids()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 2, extra: Settings);
        cluster.Agent.Answer = call => call.Text switch
        {
            var text when text.StartsWith("slow", StringComparison.Ordinal) =>
                new AgentAnswer.Slow(TimeSpan.FromSeconds(100), new AgentAnswer.Result(cluster.Agent.MessageResult("late", call.ContextId ?? "c"))),
            var text when text.StartsWith("retry", StringComparison.Ordinal) => new AgentAnswer.Status(503),
            var text when text.StartsWith("fatal", StringComparison.Ordinal) => new AgentAnswer.RpcError(-32602, "invalid params"),
            _ => new AgentAnswer.Result(cluster.Agent.MessageResult("ok", call.ContextId ?? "c")),
        };
        for (var i = 1; i <= 3; i++)
        {
            cluster.Telegram.Post(SlowChat, $"slow {i}");
        }

        cluster.Telegram.Post(RetryingChat, "retry 1");
        cluster.Telegram.Post(RetryingChat, "retry 2");
        cluster.Telegram.Post(FatalChat, "fatal 1");

        var report = await InspectUntilAsync(cluster, report => Chat(report, RetryingChat) is { } retrying && retrying["next_retry_at"] is not null
            && Chat(report, SlowChat)?["in_flight"]?.GetValue<bool>() == true
            && Chat(report, FatalChat)?["dead_letters"]?.GetValue<int>() == 1);

        var silos = report["silos"]!.AsArray();
        Assert.Equal(2, silos.Count);
        Assert.Equal(3 + 2, silos.Sum(s => s!["waiting"]!.GetValue<int>()));
        Assert.Equal(1, silos.Sum(s => s!["in_flight"]!.GetValue<int>()));
        Assert.Equal(1, silos.Sum(s => s!["retrying"]!.GetValue<int>()));
        Assert.Equal(1, silos.Sum(s => s!["dead_letters"]!.GetValue<int>()));
        Assert.True(silos.Any(s => s!["oldest_age_seconds"]?.GetValue<double>() > 0), report.ToJsonString());

        var slow = Chat(report, SlowChat)!;
        Assert.Equal((3, true), (slow["waiting"]!.GetValue<int>(), slow["in_flight"]!.GetValue<bool>()));
        var retrying = Chat(report, RetryingChat)!;
        Assert.Equal(2, retrying["waiting"]!.GetValue<int>());
        Assert.True(retrying["attempts"]!.GetValue<int>() >= 1);
        Assert.True(retrying["next_retry_at"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
        Assert.Equal(Id(SlowChat), report["busiest_chats"]![0]!["chat_id"]!.GetValue<string>());

        // Without --show-chat-ids, chats go by their keyed hash, in the table and in JSON.
        await using var hashed = await InspectAsync(cluster, "--json");
        await using var table = await InspectAsync(cluster);
        foreach (var output in new[] { hashed.StandardOutput, table.StandardOutput })
        {
            Assert.All(new[] { SlowChat, RetryingChat, FatalChat }, chat => Assert.DoesNotContain(Id(chat), output, StringComparison.Ordinal));
        }

        Assert.All(JsonNode.Parse(hashed.StandardOutput)!["busiest_chats"]!.AsArray(), chat => Assert.Matches("^[0-9a-f]{8,}$", chat!["chat_id_hash"]!.GetValue<string>()));
        Assert.Contains("BUSIEST CHATS", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2 silos", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_cluster_it_says_so_and_exits_1()
    {
        await using var redis = await RedisServer.StartAsync(durable: false);
        var environment = new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["ORLEANS_CLUSTERING"] = "redis",
            ["ORLEANS_STORAGE"] = "redis",
            ["REDIS_CONNECTION_STRING"] = redis.ConnectionString,
            ["ORLEANS_CLUSTER_ID"] = $"nobody-{Guid.NewGuid():N}",
        };

        await using var inspect = RouterProcess.Start(environment, "--inspect-queue");

        Assert.Equal(1, await inspect.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains(inspect.StandardError, line => line.Contains("cannot reach the cluster", StringComparison.Ordinal));
    }

    private static string Id(long chatId) => chatId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject? Chat(JsonObject report, long chatId) =>
        report["busiest_chats"]!.AsArray().OfType<JsonObject>().FirstOrDefault(c => c["chat_id"]?.GetValue<string>() == Id(chatId));

    private static async Task<RouterProcess> InspectAsync(SiloCluster cluster, params string[] args)
    {
        var environment = cluster.Environment(active: true);
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        var inspect = RouterProcess.Start(environment, ["--inspect-queue", .. args]);
        await inspect.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return inspect;
    }

    /// <summary>Inspects until the report shows what the test set up (the retry is stored after the agent's answer).</summary>
    private static async Task<JsonObject> InspectUntilAsync(SiloCluster cluster, Func<JsonObject, bool> ready)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            await using var inspect = await InspectAsync(cluster, "--json", "--show-chat-ids");
            Assert.True(await inspect.WaitForExitAsync(TimeSpan.FromSeconds(1)) == 0, inspect.Output);
            var report = (JsonObject)JsonNode.Parse(inspect.StandardOutput)!;
            if (ready(report))
            {
                return report;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"the cluster never showed the work set up:\n{report}");
        }
    }
}
