using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Media;
using OrleansRouter.Personas;
using OrleansRouter.Privacy;
using OrleansRouter.Queues;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Tests.Support;

/// <summary>
/// An in-process Orleans cluster with the router's grains, memory storage, and fakes at the adapter boundary.
/// Tests of one class share it, each on chat ids of its own.
/// </summary>
public abstract class RouterCluster : IAsyncLifetime
{
    private static long _nextChatId = 1_000;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public ScriptedAgent Agent { get; } = new();

    public RecordingSender Sender { get; } = new();

    public FakeChatMembers Members { get; } = new();

    public FakeChatFiles Files { get; } = new();

    public virtual MediaOptions Media => new();

    public virtual ChatCommandOptions Commands => new();

    public QueueGauge Gauge { get; } = new();

    public DrainSignal Drain { get; } = new();

    public RouterMetrics Metrics { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public abstract PersonaMap Personas { get; }

    public virtual QueueOptions Queue => new() { RetryBaseDelay = TimeSpan.FromMilliseconds(20), RetryMaxDelay = TimeSpan.FromMilliseconds(100), RetryMaxAttempts = 3 };

    public virtual TimeProvider Clock => TimeProvider.System;

    public virtual StreamingOptions Streaming => new();

    /// <summary>The router's push notification addresses; none unless a cluster says so.</summary>
    public virtual PushAddresses? Push => null;

    public static long NewChatId() => Interlocked.Increment(ref _nextChatId);

    /// <summary>How often a chat with pending work is woken by its reminder.</summary>
    public virtual TimeSpan ReminderPeriod => TimeSpan.FromMinutes(1);

    public async ValueTask InitializeAsync()
    {
        await BeforeDeployAsync();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => ConfigureSilo(silo));
        Metrics = new RouterMetrics(Gauge, Clock);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(new GrainDependencies(Personas, Queue, Clock, new ChatIdHasher("test-salt"), Gauge, Drain, ReminderPeriod, Metrics)
            {
                Streaming = Streaming,
                Push = Push,
                Media = Media,
            });
            host.Services.AddSingleton<IAgentClient>(Agent);
            host.Services.AddSingleton<IChatSender>(Sender);
            host.Services.AddSingleton<ITypingIndicator, NoTyping>();
            host.Services.AddSingleton<IChatMembers>(Members);
            host.Services.AddSingleton<IChatFiles>(Files);
            host.Services.AddSingleton(Commands);
            ConfigureServices(host.Services);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Metrics.Dispose();
        await AfterStopAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual Task BeforeDeployAsync() => Task.CompletedTask;

    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected virtual void ConfigureSilo(ISiloBuilder silo) => silo
        .AddMemoryGrainStorage(StorageNames.Chats)
        .AddMemoryGrainStorage(StorageNames.Personas)
        .AddMemoryGrainStorage(StorageNames.Cluster)
        .UseInMemoryReminderService();

    private static int _nextUpdateId = 1;

    /// <summary>The user who sends <see cref="Message"/>s unless a test says otherwise.</summary>
    public const long UserId = 4242;

    /// <summary>A text message into a chat, with a fresh update id.</summary>
    public static InboundMessage Message(long chatId, string text, long? updateId = null, long? senderId = UserId) =>
        new(updateId ?? Interlocked.Increment(ref _nextUpdateId), chatId, 1, text, DateTimeOffset.UtcNow, IsGroup: chatId < 0, SenderId: senderId);

    public static Persona Persona(string name, RateWindow? window = null, bool selectable = true) =>
        new(name, new Uri($"http://agents.invalid/{name}"), AgentAuth.None, window, name, selectable);
}
