using System.Globalization;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>ALLOWED_CHAT_IDS against a real router on Redis: strangers are refused at the ingress and leave nothing in storage.</summary>
public sealed class StrangerTests
{
    private const long Allowed = 555_000_001;
    private const long Stranger = 555_000_002;
    private static readonly string[] Pleas = ["let me in", "please", "pretty please"];

    [Fact]
    public async Task A_strangers_messages_leave_no_key_in_Redis_and_get_one_refusal_while_an_allowed_chat_is_answered()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 0);
        var router = cluster.Start(extra: new Dictionary<string, string>
        {
            ["ALLOWED_CHAT_IDS"] = Allowed.ToString(CultureInfo.InvariantCulture),
            ["ORLEANS_CLUSTERING"] = "localhost",
        });
        await router.WaitForHealthyAsync(TimeSpan.FromSeconds(120));

        var strangers = Pleas.Select(text => (long)cluster.Telegram.Post(Stranger, text)).ToList();
        long allowed = cluster.Telegram.Post(Allowed, "hello");
        await cluster.Telegram.WaitUntilAsync(
            t => t.SentTo(Allowed).Count >= 1 && t.SentTo(Stranger).Count >= 1 && strangers.Append(allowed).All(t.ConfirmedAt.ContainsKey),
            TimeSpan.FromSeconds(60), "the reply, the refusal and every update confirmed");

        var keys = await RespClient.OnceAsync(cluster.Redis.Port, null, "KEYS", "*");
        var names = (keys.Items ?? []).Select(k => k.Text ?? "").ToList();
        // Orleans keys a chat's state by its grain id, the chat id in hexadecimal: orleans-router/state/chat/2114A0C1/chat.
        Assert.Contains(names, key => key.Contains($"chat/{Allowed:X}/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, key => key.Contains($"chat/{Stranger:X}/", StringComparison.Ordinal));
        Assert.Equal(["Sorry, this bot is not available in this chat."], cluster.Telegram.SentTo(Stranger).Select(m => m.Text));
        Assert.Equal(["reply: hello"], cluster.Telegram.SentTo(Allowed).Select(m => m.Text));
        Assert.Equal(["hello"], cluster.Agent.Calls.Select(c => c.Text));

        var refused = router.EventsNamed("ingress.stranger").ToList();
        Assert.Equal(3, refused.Count);
        Assert.Equal(["queued", "recent", "recent"], refused.Select(e => e["refusal"]!.GetValue<string>()));
        Assert.DoesNotContain(Stranger.ToString(CultureInfo.InvariantCulture), string.Join("\n", refused.Select(e => e.ToJsonString())), StringComparison.Ordinal);
    }
}
