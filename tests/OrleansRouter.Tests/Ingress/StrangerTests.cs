using Microsoft.Extensions.Logging.Abstractions;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Tests.Support;

namespace OrleansRouter.Tests.Ingress;

/// <summary>ALLOWED_CHAT_IDS at the ingress: a stranger's update never reaches a grain, and the refusal is sent, bounded.</summary>
public sealed class StrangerTests(QuarantineCluster cluster) : IClassFixture<QuarantineCluster>
{
    private static bool IsChat(GrainId grain, long chatId) =>
        grain.Type.ToString() == "chat" && grain.TryGetIntegerKey(out var key, out _) && key == chatId;

    [Fact]
    public async Task A_strangers_messages_leave_no_chat_state_and_get_one_refusal_while_an_allowed_chat_is_answered()
    {
        long allowed = RouterCluster.NewChatId(), stranger = RouterCluster.NewChatId();
        using var parts = new IngressParts(cluster.Grains, allowed: new HashSet<long> { allowed });
        var refusals = new RecordingSender();
        using var sender = new StrangerRefusalSender(parts.Strangers, refusals, IngressParts.Hasher, TimeProvider.System, NullLogger<StrangerRefusalSender>.Instance);
        await sender.StartAsync(CancellationToken.None);

        var taken = new List<long?>();
        foreach (var text in new[] { "let me in", "please", "pretty please" })
        {
            taken.Add(await parts.Acceptor.AcceptAsync([IngressParts.TextUpdate(stranger, text)]));
        }

        taken.Add(await parts.Acceptor.AcceptAsync([IngressParts.TextUpdate(allowed, "hello")]));
        await Eventually.HoldsAsync(() => refusals.SentTo(stranger).Count == 1 && cluster.Sender.SentTo(allowed).Count == 1, "the refusal and the reply");

        Assert.All(taken, Assert.Null);
        Assert.DoesNotContain(cluster.Chats.Stored, grain => IsChat(grain, stranger));
        Assert.Contains(cluster.Chats.Stored, grain => IsChat(grain, allowed));
        Assert.Equal([StrangerGate.Refusal], refusals.SentTo(stranger));
        Assert.Equal(["reply: hello"], cluster.Sender.SentTo(allowed));
        Assert.Empty(cluster.Sender.SentTo(stranger));
        Assert.DoesNotContain(cluster.Agent.Requests, r => r.Text is "let me in" or "please" or "pretty please");
        await sender.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_flood_of_strangers_gets_a_bounded_number_of_refusals_and_never_blocks_the_ingress()
    {
        using var parts = new IngressParts(cluster.Grains, allowed: new HashSet<long> { RouterCluster.NewChatId() });
        var strangers = Enumerable.Range(0, 1_000).Select(i => 9_000_000_000L + i).ToList();

        // Nobody sends the refusals here: they wait in their queue, which takes only so many.
        var started = DateTimeOffset.UtcNow;
        Assert.Null(await parts.Acceptor.AcceptAsync([.. strangers.Select(chat => IngressParts.TextUpdate(chat, "hi"))]));
        Assert.Null(await parts.Acceptor.AcceptAsync([.. strangers.Select(chat => IngressParts.TextUpdate(chat, "hi again"))]));

        var queued = 0;
        while (parts.Strangers.Pending.TryRead(out _))
        {
            queued++;
        }

        Assert.Equal(StrangerGate.WaitingRefusals, queued);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(cluster.Chats.Stored, grain => strangers.Any(chat => IsChat(grain, chat)));
    }
}
