using Microsoft.Extensions.Time.Testing;
using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

public sealed class RateCluster : RouterCluster
{
    public FakeTimeProvider FakeClock { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public override TimeProvider Clock => FakeClock;

    public override PersonaMap Personas { get; } = new(
        "limited",
        [
            Persona("limited", new RateWindow(TimeSpan.FromHours(1), MaxPerChat: 2, MaxTotal: 3)),
            Persona("solo", new RateWindow(TimeSpan.FromHours(12), MaxPerChat: 1, MaxTotal: null)),
            Persona("unlimited"),
            Persona("counted", new RateWindow(TimeSpan.FromHours(1), MaxPerChat: 1_000, MaxTotal: null)),
        ],
        new Dictionary<long, string> { [UnlimitedChat] = "unlimited", [CountedChat] = "counted" });

    /// <summary>The one chat bound to the persona without a rate window.</summary>
    public const long UnlimitedChat = 9_000_000_001;

    /// <summary>The one chat bound to a persona whose window no other test fills.</summary>
    public const long CountedChat = 9_000_000_002;
}

public sealed class PersonaRateTests(RateCluster cluster) : IClassFixture<RateCluster>
{
    [Fact]
    public async Task Per_chat_and_total_windows_deny_with_one_reply_and_open_again_when_the_window_slides()
    {
        long a = NewChatId(), b = NewChatId(), c = NewChatId();
        var tag = $"rate-{a}";
        async Task SendAsync(long chat, string text) => await cluster.Grains.GetGrain<IChatGrain>(chat).AcceptAsync(Message(chat, $"{tag} {text}"));
        Task RepliesAsync(long chat, int count) =>
            Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count >= count, $"{count} replies in chat {chat}");

        await SendAsync(a, "a1");
        await SendAsync(a, "a2");
        await SendAsync(a, "a3");
        await RepliesAsync(a, 3);
        await SendAsync(b, "b1");
        await RepliesAsync(b, 1);
        await SendAsync(c, "c1");
        await RepliesAsync(c, 1);

        Assert.Equal([$"{tag} a1", $"{tag} a2", $"{tag} b1"], cluster.Agent.RequestsWith(tag).Select(r => r.Text));
        Assert.Contains("try again in 1 h 0 min", cluster.Sender.SentTo(a)[2]);
        Assert.Contains("try again", cluster.Sender.SentTo(c)[0]);

        cluster.FakeClock.Advance(TimeSpan.FromMinutes(61));
        await SendAsync(c, "c2");
        await RepliesAsync(c, 2);
        Assert.Equal($"reply: {tag} c2", cluster.Sender.SentTo(c)[1]);
    }

    [Fact]
    public async Task A_persona_without_a_rate_window_is_never_asked_for_one()
    {
        var chat = RateCluster.UnlimitedChat;
        for (var i = 1; i <= 3; i++)
        {
            await cluster.Grains.GetGrain<IChatGrain>(chat).AcceptAsync(Message(chat, $"unlimited {i}"));
        }

        // The control: a chat of a persona with a window does ask its grain, and the statistics show it.
        var counted = RateCluster.CountedChat;
        await cluster.Grains.GetGrain<IChatGrain>(counted).AcceptAsync(Message(counted, "counted 1"));

        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count >= 3 && cluster.Sender.SentTo(counted).Count >= 1, "four replies");
        Assert.Equal(["reply: unlimited 1", "reply: unlimited 2", "reply: unlimited 3"], cluster.Sender.SentTo(chat));
        Assert.Equal(["reply: counted 1"], cluster.Sender.SentTo(counted));
        var activations = await cluster.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        Assert.DoesNotContain(activations, a => a.GrainId.Key.ToString() == "unlimited");
        Assert.Contains(activations, a => a.GrainId.Key.ToString() == "counted");
    }

    [Fact]
    public async Task A_denial_says_when_the_oldest_counted_message_leaves_the_window()
    {
        var persona = cluster.Grains.GetGrain<IPersonaGrain>("solo");
        var chat = NewChatId();
        var start = cluster.FakeClock.GetUtcNow();

        var first = await persona.TryAcquireAsync(chat);
        cluster.FakeClock.Advance(TimeSpan.FromHours(2));
        var second = await persona.TryAcquireAsync(chat);
        var other = await persona.TryAcquireAsync(NewChatId());

        Assert.True(first.Allowed);
        Assert.False(second.Allowed);
        Assert.Equal("chat", second.Scope);
        Assert.True(other.Allowed, "another chat has its own window");

        // A 12 h window counts in 1 h steps: the first message leaves it 12 h after the start of its step.
        var step = TimeSpan.FromHours(1).Ticks;
        var expected = new DateTimeOffset(start.UtcTicks / step * step, TimeSpan.Zero) + TimeSpan.FromHours(12);
        Assert.Equal(expected, second.RetryAt);

        var usage = await persona.GetState();
        Assert.Equal(2, usage.UsedTotal);
        Assert.Equal(2, usage.ChatsCounted);
    }
}
