using System.Collections.Concurrent;
using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;

namespace OrleansRouter.Tests.Ingress;

/// <summary>
/// A cluster whose chats refuse their first accepts the way a silo leaving the cluster does
/// (a <see cref="SiloUnavailableException"/>, one of the message rejections), as many times as a test asks for each chat.
/// </summary>
public sealed class LeavingSiloCluster : RouterCluster
{
    public ConcurrentDictionary<long, int> RejectionsLeft { get; } = new();

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        base.ConfigureSilo(silo);
        silo.AddIncomingGrainCallFilter(context =>
        {
            if (context.InterfaceMethod.Name == nameof(IChatGrain.AcceptAsync)
                && context.TargetId.TryGetIntegerKey(out var chat, out _)
                && RejectionsLeft.TryGetValue(chat, out var left) && left > 0
                && RejectionsLeft.TryUpdate(chat, left - 1, left))
            {
                throw new SiloUnavailableException("the silo is stopping (test)");
            }

            return context.Invoke();
        });
    }
}

/// <summary>The chats of a silo that leaves: their accepts are asked again at once, not left to the next poll.</summary>
public sealed class LeavingSiloTests(LeavingSiloCluster cluster) : IClassFixture<LeavingSiloCluster>
{
    [Fact]
    public async Task An_accept_refused_by_a_leaving_silo_is_asked_again_and_taken_in_the_same_batch()
    {
        using var parts = new IngressParts(cluster.Grains);
        cluster.RejectionsLeft[61] = 2;
        cluster.RejectionsLeft[62] = 0;
        var updates = new[] { IngressParts.TextUpdate(61, "first"), IngressParts.TextUpdate(62, "other chat"), IngressParts.TextUpdate(61, "second") };

        var failed = await parts.Acceptor.AcceptAsync(updates);

        Assert.Null(failed);
        Assert.Equal(0, cluster.RejectionsLeft[61]);
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(61).Count >= 2 && cluster.Sender.SentTo(62).Count >= 1, "the replies in both chats");
        Assert.Equal(["reply: first", "reply: second"], cluster.Sender.SentTo(61));
    }

    [Fact]
    public async Task A_chat_that_keeps_refusing_is_left_unconfirmed_for_the_next_poll()
    {
        using var parts = new IngressParts(cluster.Grains);
        cluster.RejectionsLeft[63] = 100;
        var update = IngressParts.TextUpdate(63, "refused");

        var failed = await parts.Acceptor.AcceptAsync([update]);

        Assert.Equal(update.Id, failed);
        Assert.Equal(95, cluster.RejectionsLeft[63]);
    }
}
