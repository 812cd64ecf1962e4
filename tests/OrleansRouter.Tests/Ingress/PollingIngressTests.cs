using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Personas;
using OrleansRouter.Privacy;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;
using Telegram.Bot;

namespace OrleansRouter.Tests.Ingress;

public sealed class IngressCluster : RouterCluster
{
    public GatedStorage Storage { get; } = new();

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Chats, Storage);
        silo.AddMemoryGrainStorage(StorageNames.Personas).AddMemoryGrainStorage(StorageNames.Cluster).UseInMemoryReminderService();
    }
}

/// <summary>The long-polling ingress with the real Telegram.Bot client, a Bot API emulator and real grains.</summary>
public sealed class PollingIngressTests(IngressCluster cluster) : IClassFixture<IngressCluster>, IAsyncLifetime
{
    private BotApiEmulator _emulator = null!;
    private ServiceProvider _telegram = null!;
    private PollingIngress _ingress = null!;
    private IngressParts _parts = null!;

    public async ValueTask InitializeAsync()
    {
        cluster.Storage.Release();
        _emulator = await BotApiEmulator.StartAsync();
        _telegram = new ServiceCollection().AddSingleton(TimeProvider.System).AddTelegramBot(_emulator.Token, _emulator.BaseUrl, new SendPacing(1000, 1000, 1000)).BuildServiceProvider();
        _parts = new IngressParts(cluster.Grains);
        var health = _parts.Health;
        _ingress = new PollingIngress(
            _telegram.GetRequiredService<ITelegramBotClient>(),
            _parts.Acceptor,
            new PollerLeaseKeeper(cluster.Grains, $"test-{Guid.NewGuid():N}", TimeSpan.FromSeconds(20), TimeProvider.System, NullLogger<PollerLeaseKeeper>.Instance),
            new TelegramSettings(_emulator.Token, TransportMode.Live, _emulator.BaseUrl, IngressMode.Polling, null, null, Active: true, TimeSpan.FromSeconds(20), new SendPacing(30, 1, 20)),
            health,
            TimeProvider.System,
            new NeverStopping(),
            NullLogger<PollingIngress>.Instance);
        await _ingress.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        cluster.Storage.Release();
        await _ingress.StopAsync(CancellationToken.None);
        _ingress.Dispose();
        _parts.Dispose();
        await _telegram.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static bool IsChat(GrainId grain, long chatId) => grain.TryGetIntegerKey(out var key, out _) && key == chatId;

    [Fact]
    public async Task An_update_is_confirmed_only_after_its_chat_grain_stored_it()
    {
        var chat = RouterCluster.NewChatId();
        cluster.Storage.Holds = grain => IsChat(grain, chat);

        var update = _emulator.Post(chat, "hold me");
        await Eventually.HoldsAsync(() => cluster.Storage.WritesWaiting > 0, "the chat grain writing the update");

        Assert.Contains(update, _emulator.Unconfirmed);
        Assert.DoesNotContain(_emulator.Polls, p => p.Offset > update);

        var released = DateTimeOffset.UtcNow;
        cluster.Storage.Release();
        await _emulator.WaitUntilAsync(e => e.ConfirmedAt.ContainsKey(update), TimeSpan.FromSeconds(30), "the update confirmed");

        Assert.True(_emulator.ConfirmedAt[update] >= released);
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");
    }

    [Fact]
    public async Task An_update_its_grain_could_not_store_comes_again_and_is_answered_once()
    {
        var chat = RouterCluster.NewChatId();
        cluster.Storage.FailNextWrites(1);

        var update = _emulator.Post(chat, "again");
        await _emulator.WaitUntilAsync(e => e.ConfirmedAt.ContainsKey(update), TimeSpan.FromSeconds(30), "the update confirmed");
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply");

        Assert.True(_emulator.Polls.Any(p => p.Offset == update), "the failed update was asked for again");
        Assert.Equal(["reply: again"], cluster.Sender.SentTo(chat));
    }

    [Fact]
    public async Task A_held_chat_does_not_hold_the_others_and_each_chat_keeps_its_order()
    {
        long held = RouterCluster.NewChatId(), free1 = RouterCluster.NewChatId(), free2 = RouterCluster.NewChatId();
        cluster.Storage.Holds = grain => IsChat(grain, held);

        foreach (var i in Enumerable.Range(1, 3))
        {
            foreach (var chat in new[] { held, free1, free2 })
            {
                _emulator.Post(chat, $"m{i}");
            }
        }

        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(free1).Count == 3 && cluster.Sender.SentTo(free2).Count == 3, "the free chats answered");
        Assert.Empty(cluster.Sender.SentTo(held));

        cluster.Storage.Release();
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(held).Count == 3, "the held chat answered");
        foreach (var chat in new[] { held, free1, free2 })
        {
            Assert.Equal(["reply: m1", "reply: m2", "reply: m3"], cluster.Sender.SentTo(chat));
        }
    }

    [Fact]
    public async Task Telegram_errors_back_off_and_polling_goes_on()
    {
        var chat = RouterCluster.NewChatId();
        var failures = new Queue<(int Code, string Text)>([(409, "Conflict: terminated by other getUpdates request"), (502, "Bad Gateway"), (401, "Unauthorized")]);
        _emulator.Fault = (method, _) =>
        {
            lock (failures)
            {
                return method == "getUpdates" && failures.TryDequeue(out var failure) ? BotApiEmulator.Error(failure.Code, failure.Text) : null;
            }
        };

        _emulator.Post(chat, "patience");
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the reply after three failed polls", TimeSpan.FromSeconds(60));

        Assert.Empty(failures);
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

    [Fact]
    public async Task A_redelivery_while_the_first_delivery_is_being_stored_waits_for_it_and_fails_with_it()
    {
        var chat = RouterCluster.NewChatId();
        var grain = cluster.Grains.GetGrain<OrleansRouter.Grains.IChatGrain>(chat);
        var message = RouterCluster.Message(chat, "stored once");
        cluster.Storage.Holds = grain => IsChat(grain, chat);

        var first = grain.AcceptAsync(message);
        await Eventually.HoldsAsync(() => cluster.Storage.WritesWaiting > 0, "the first delivery being stored");
        var second = grain.AcceptAsync(message);
        var early = await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(500)));
        cluster.Storage.FailNextWrites(1);
        cluster.Storage.Release();

        Assert.NotSame(second, early);
        await Assert.ThrowsAnyAsync<Exception>(() => first);
        await Assert.ThrowsAnyAsync<Exception>(() => second);
        Assert.Equal(OrleansRouter.Grains.AcceptResult.Accepted, await grain.AcceptAsync(message));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "one reply");
    }
}
