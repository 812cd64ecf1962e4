using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Personas;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;
using Telegram.Bot;

namespace OrleansRouter.Tests.Ingress;

public sealed class QuarantineCluster : RouterCluster
{
    public FaultyStorage Chats { get; } = new();

    public FaultyStorage ClusterStorage { get; } = new();

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Chats, (services, _) => Chats.With(services.GetRequiredService<DeepCopier>()));
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Cluster, (services, _) => ClusterStorage.With(services.GetRequiredService<DeepCopier>()));
        silo.AddMemoryGrainStorage(StorageNames.Personas).UseInMemoryReminderService();
    }
}

/// <summary>
/// An update its chat cannot store, with the long-polling ingress, the real Telegram.Bot client and a Bot API
/// emulator: set aside after a few attempts while storage works, kept waiting while it does not.
/// </summary>
public sealed class QuarantineTests(QuarantineCluster cluster) : IClassFixture<QuarantineCluster>, IAsyncLifetime
{
    private const int Attempts = 3;
    private BotApiEmulator _emulator = null!;
    private ServiceProvider _telegram = null!;
    private PollingIngress _ingress = null!;
    private IngressParts _parts = null!;

    public async ValueTask InitializeAsync()
    {
        cluster.Chats.Fails = _ => false;
        cluster.ClusterStorage.Fails = _ => false;
        _emulator = await BotApiEmulator.StartAsync();
        _telegram = new ServiceCollection().AddSingleton(TimeProvider.System).AddTelegramBot(_emulator.Token, _emulator.BaseUrl, new SendPacing(1000, 1000, 1000)).BuildServiceProvider();
        _parts = new IngressParts(cluster.Grains, new IngressOptions { QuarantineAfterAttempts = Attempts });
        _ingress = new PollingIngress(
            _telegram.GetRequiredService<ITelegramBotClient>(),
            _parts.Acceptor,
            new PollerLeaseKeeper(cluster.Grains, $"test-{Guid.NewGuid():N}", TimeSpan.FromSeconds(20), TimeProvider.System, NullLogger<PollerLeaseKeeper>.Instance),
            new TelegramSettings(_emulator.Token, TransportMode.Live, _emulator.BaseUrl, IngressMode.Polling, null, null, Active: true, TimeSpan.FromSeconds(20), new SendPacing(30, 1, 20)),
            _parts.Health,
            TimeProvider.System,
            new NeverStopping(),
            NullLogger<PollingIngress>.Instance);
        await _ingress.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        cluster.Chats.Fails = _ => false;
        cluster.ClusterStorage.Fails = _ => false;
        await _ingress.StopAsync(CancellationToken.None);
        _ingress.Dispose();
        _parts.Dispose();
        await _telegram.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static bool IsChat(GrainId grain, long chatId) =>
        grain.Type.ToString() == "chat" && grain.TryGetIntegerKey(out var key, out _) && key == chatId;

    private static bool IsQuarantine(GrainId grain) => grain.Type.ToString() == "quarantine";

    private Task<QuarantineSnapshot> QuarantineAsync() => cluster.Grains.GetGrain<IQuarantineGrain>(IQuarantineGrain.TelegramUpdates).GetState();

    private int PollsAt(long updateId) => _emulator.Polls.Count(p => p.Offset == updateId);

    [Fact]
    public async Task An_update_its_chat_can_never_store_is_quarantined_after_the_attempts_and_the_offset_moves_on()
    {
        long bad = RouterCluster.NewChatId(), good = RouterCluster.NewChatId();
        cluster.Chats.Fails = grain => IsChat(grain, bad);

        var poison = _emulator.Post(bad, "poison");
        var fine = _emulator.Post(good, "fine");
        await _emulator.WaitUntilAsync(e => e.ConfirmedAt.ContainsKey(poison) && e.ConfirmedAt.ContainsKey(fine), TimeSpan.FromSeconds(60), "both updates confirmed");
        var after = _emulator.Post(good, "after");
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(good).Count == 2, "the good chat's replies", TimeSpan.FromSeconds(30));

        var entry = Assert.Single((await QuarantineAsync()).Entries, e => e.UpdateId == poison && e.ChatId == bad);
        Assert.Equal((bad, IngressParts.Hasher.Hash(bad), Attempts), (entry.ChatId, entry.ChatIdHash, entry.Attempts));
        Assert.EndsWith(nameof(InvalidDataException), entry.Reason, StringComparison.Ordinal);
        Assert.Contains("poison", entry.RawUpdate, StringComparison.Ordinal);
        Assert.True(PollsAt(poison) >= Attempts - 1, $"{PollsAt(poison)} polls asked for the poison again");
        Assert.Equal(["reply: fine", "reply: after"], cluster.Sender.SentTo(good));
        Assert.Empty(cluster.Sender.SentTo(bad));
        await _emulator.WaitUntilAsync(e => e.ConfirmedAt.ContainsKey(after), TimeSpan.FromSeconds(30), "the later update confirmed");
    }

    [Fact]
    public async Task With_storage_down_for_everyone_nothing_is_quarantined_and_the_update_waits_for_it()
    {
        var chat = RouterCluster.NewChatId();
        var update = await PostDuringAnOutageAsync(chat, "wait for storage");

        Assert.Contains(update, _emulator.Unconfirmed);
        Assert.DoesNotContain((await QuarantineAsync()).Entries, e => e.ChatId == chat);

        cluster.Chats.Fails = _ => false;
        _parts.Probe.Healthy = true;
        await AnsweredOnceAndNotQuarantinedAsync(chat, update, "reply: wait for storage");
    }

    [Fact]
    public async Task Storage_that_comes_back_after_the_last_failure_but_before_the_probe_quarantines_nothing()
    {
        var chat = RouterCluster.NewChatId();
        var update = await PostDuringAnOutageAsync(chat, "just in time");

        // The outage ends between an accept that failed and the probe that judges it: the failure was the outage's.
        _parts.Probe.WhenProbed = () =>
        {
            cluster.Chats.Fails = _ => false;
            _parts.Probe.Healthy = true;
        };
        await AnsweredOnceAndNotQuarantinedAsync(chat, update, "reply: just in time");
    }

    /// <summary>Storage fails for every chat and the probe says so; returns once the update was tried past the attempts.</summary>
    private async Task<int> PostDuringAnOutageAsync(long chat, string text)
    {
        cluster.Chats.Fails = _ => true;
        _parts.Probe.Healthy = false;
        var update = _emulator.Post(chat, text);
        await _emulator.WaitUntilAsync(_ => PollsAt(update) >= Attempts + 1, TimeSpan.FromSeconds(60), "the update tried past the attempts");
        return update;
    }

    private async Task AnsweredOnceAndNotQuarantinedAsync(long chat, int update, string reply)
    {
        await _emulator.WaitUntilAsync(e => e.ConfirmedAt.ContainsKey(update), TimeSpan.FromSeconds(60), "the update confirmed once storage is back");
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");
        Assert.Equal([reply], cluster.Sender.SentTo(chat));
        Assert.DoesNotContain((await QuarantineAsync()).Entries, e => e.ChatId == chat);
    }

    [Fact]
    public async Task When_the_quarantine_cannot_store_it_either_the_update_is_let_go_only_once_other_updates_were_stored()
    {
        long bad = RouterCluster.NewChatId(), good = RouterCluster.NewChatId();
        cluster.Chats.Fails = grain => IsChat(grain, bad);
        cluster.ClusterStorage.Fails = IsQuarantine;

        var poison = _emulator.Post(bad, "nowhere to go");
        await _emulator.WaitUntilAsync(_ => PollsAt(poison) >= Attempts + 1, TimeSpan.FromSeconds(60), "the update tried past the attempts");
        Assert.Contains(poison, _emulator.Unconfirmed);

        // Another chat's update is stored: storage works for everyone but this update, which is then let go.
        var fine = _emulator.Post(good, "proof");
        await _emulator.WaitUntilAsync(e => e.ConfirmedAt.ContainsKey(poison) && e.ConfirmedAt.ContainsKey(fine), TimeSpan.FromSeconds(60), "both confirmed");
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(good).Count == 1, "the good chat's reply");

        cluster.ClusterStorage.Fails = _ => false;
        Assert.DoesNotContain((await QuarantineAsync()).Entries, e => e.ChatId == bad);
    }

    [Fact]
    public async Task The_quarantine_keeps_a_bounded_number_of_bounded_entries_one_per_update()
    {
        var grain = cluster.Grains.GetGrain<IQuarantineGrain>($"bounds-{Guid.NewGuid():N}");
        var huge = new string('x', 100_000);
        for (var id = 1; id <= QuarantineLimits.Entries + 5; id++)
        {
            await grain.AddAsync(new QuarantinedUpdate(id, 9, "hash", DateTimeOffset.UtcNow, 5, new string('r', 1_000), huge, huge.Length));
        }

        await grain.AddAsync(new QuarantinedUpdate(QuarantineLimits.Entries + 5, 9, "hash", DateTimeOffset.UtcNow, 6, "again", "{}", 2));
        var snapshot = await grain.GetState();

        Assert.Equal((QuarantineLimits.Entries + 5L, 5L, QuarantineLimits.Entries), (snapshot.Total, snapshot.Dropped, snapshot.Entries.Count));
        Assert.Equal(6L, snapshot.Entries[0].UpdateId);
        Assert.All(snapshot.Entries, e => Assert.True(e.RawUpdate.Length <= QuarantineLimits.RawUpdateChars && e.Reason.Length <= QuarantineLimits.ReasonChars));
        Assert.Equal(huge.Length, snapshot.Entries[0].RawLength);
        Assert.Equal((6, "again"), (snapshot.Entries[^1].Attempts, snapshot.Entries[^1].Reason));
    }

    private sealed class NeverStopping : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
