using System.Globalization;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// A chat whose stored state cannot be read (written by something else, say) fails every update it gets. With the
/// real router on Redis, its update is quarantined after the attempts, the offset moves on for everyone else, and
/// <c>--inspect-queue</c> shows it.
/// </summary>
public sealed class QuarantineTests
{
    private const long Broken = 666_000_001;
    private const long Healthy = 666_000_002;

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["INGRESS_QUARANTINE_AFTER_ATTEMPTS"] = "3",
        ["CHAT_ID_HASH_SALT"] = "quarantine-salt-0123456789",
    };

    [Fact]
    public async Task An_update_of_a_chat_whose_state_cannot_be_read_is_quarantined_and_the_others_are_answered()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 0);
        var router = cluster.Start(extra: Settings);
        await router.WaitForHealthyAsync(TimeSpan.FromSeconds(120));

        // The healthy chat's key shows how chat state is keyed; the broken chat's key then gets garbage.
        cluster.Telegram.Post(Healthy, "first");
        await cluster.Telegram.WaitUntilAsync(t => t.SentTo(Healthy).Count >= 1, TimeSpan.FromSeconds(60), "the first reply");
        // Orleans keys a chat's state by its grain id, the chat id in hexadecimal: orleans-router/state/chat/27B2FA81/chat.
        var keys = await RespClient.OnceAsync(cluster.Redis.Port, null, "KEYS", $"*chat/{Healthy:X}/*");
        var healthyKey = Assert.Single(keys.Items ?? []).Text!;
        var brokenKey = healthyKey.Replace($"chat/{Healthy:X}/", $"chat/{Broken:X}/", StringComparison.Ordinal);
        var type = (await RespClient.OnceAsync(cluster.Redis.Port, null, "TYPE", healthyKey)).Text;
        var written = type == "hash"
            ? await RespClient.OnceAsync(cluster.Redis.Port, null, "HSET", brokenKey, "data", "\u0001 not a chat state", "etag", "x")
            : await RespClient.OnceAsync(cluster.Redis.Port, null, "SET", brokenKey, "\u0001 not a chat state");
        Assert.False(written.IsError, written.ToString());

        var poison = cluster.Telegram.Post(Broken, "into the void");
        var after = cluster.Telegram.Post(Healthy, "second");
        await cluster.Telegram.WaitUntilAsync(t => t.ConfirmedAt.ContainsKey(poison) && t.ConfirmedAt.ContainsKey(after), TimeSpan.FromSeconds(90), "both updates confirmed");
        await cluster.Telegram.WaitUntilAsync(t => t.SentTo(Healthy).Count >= 2, TimeSpan.FromSeconds(60), "the second reply");

        var quarantined = Assert.Single(router.EventsNamed("ingress.quarantined"));
        Assert.Equal(poison, quarantined["update_id"]!.GetValue<long>());
        Assert.Equal(3, quarantined["attempts"]!.GetValue<int>());
        Assert.DoesNotContain(Id(Broken), quarantined.ToJsonString(), StringComparison.Ordinal);

        await using var json = await InspectAsync(cluster, "--json");
        var quarantine = JsonNode.Parse(json.StandardOutput)!["quarantine"]!;
        Assert.Equal(1, quarantine["total"]!.GetValue<long>());
        var entry = quarantine["updates"]![0]!;
        Assert.Equal(poison, entry["update_id"]!.GetValue<long>());
        Assert.Equal(quarantined["chat_id_hash"]!.GetValue<string>(), entry["chat_id_hash"]!.GetValue<string>());
        Assert.Null(entry["raw"]);
        Assert.DoesNotContain(Id(Broken), json.StandardOutput, StringComparison.Ordinal);

        await using var shown = await InspectAsync(cluster, "--json", "--show-chat-ids");
        Assert.Contains("into the void", JsonNode.Parse(shown.StandardOutput)!["quarantine"]!["updates"]![0]!["raw"]!.GetValue<string>(), StringComparison.Ordinal);

        await using var table = await InspectAsync(cluster);
        Assert.Contains("QUARANTINED UPDATES (1 since the start, 1 kept, 0 let go)", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(Id(poison), table.StandardOutput, StringComparison.Ordinal);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<RouterProcess> InspectAsync(SiloCluster cluster, params string[] args)
    {
        var environment = cluster.Environment(active: true);
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        var inspect = RouterProcess.Start(environment, ["--inspect-queue", .. args]);
        Assert.Equal(0, await inspect.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        return inspect;
    }
}
