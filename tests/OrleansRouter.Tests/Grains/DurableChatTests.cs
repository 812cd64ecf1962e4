using Orleans.Hosting;
using OrleansRouter.Agents;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Personas;
using OrleansRouter.Queues;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;
using StackExchange.Redis;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>A cluster on a real redis-server: grain state and reminders in Redis, as in production.</summary>
public sealed class RedisCluster : RouterCluster
{
    private RedisServer _redis = null!;

    public RedisServer Redis => _redis;

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    public override TimeSpan ReminderPeriod => TimeSpan.FromSeconds(10);

    /// <summary>Retries slow and many enough that the restart comes while one is still waiting.</summary>
    public override QueueOptions Queue => base.Queue with { RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(2), RetryMaxAttempts = 50 };

    protected override async Task BeforeDeployAsync() => _redis = await RedisServer.StartAsync();

    protected override async Task AfterStopAsync() => await _redis.DisposeAsync();

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        ConfigurationOptions Redis() => new() { EndPoints = { _redis.ConnectionString }, AbortOnConnectFail = false };
        silo.Services.AddChatStorageSerializer();
        silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = ReminderPeriod)
            .AddRedisGrainStorage(StorageNames.Chats, options => options.ConfigurationOptions = Redis())
            .AddRedisGrainStorage(StorageNames.Personas, options => options.ConfigurationOptions = Redis())
            .AddRedisGrainStorage(StorageNames.Cluster, options => options.ConfigurationOptions = Redis())
            .UseRedisReminderService(options => options.ConfigurationOptions = Redis());
    }
}

public sealed class DurableChatTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task Conversation_inbox_and_retry_state_survive_a_silo_restart_and_the_reminder_resumes_the_work()
    {
        var chat = NewChatId();
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);
        var agentUp = true;
        var echo = cluster.Agent.Answer;
        cluster.Agent.Answer = request => agentUp
            ? echo(request)
            : Task.FromResult<AgentOutcome>(new AgentFailure(FailureClass.Transient, "http_503", "down for maintenance"));

        await grain.AcceptAsync(Message(chat, "before"));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the first reply");
        agentUp = false;
        await grain.AcceptAsync(Message(chat, "during"));
        await grain.AcceptAsync(Message(chat, "queued"));
        await Eventually.HoldsAsync(async () => (await grain.GetState()).NextRetryAt is not null, "a retry waiting");

        await cluster.Cluster.RestartSiloAsync(cluster.Cluster.Silos[0]);
        agentUp = true;

        // Nothing calls the chat after the restart: only its reminder can wake it.
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 3, "the replies after the restart", TimeSpan.FromSeconds(90));
        Assert.Equal(["reply: before", "reply: during", "reply: queued"], cluster.Sender.SentTo(chat));
        var during = cluster.Agent.RequestsWith("during");
        Assert.Equal("ctx-echo", during[^1].ContextId);
        Assert.Single(during.Select(r => r.MessageId).Distinct());
        await Eventually.HoldsAsync(async () => await InboxDepthAsync(grain) == 0, "an empty inbox");
    }

    /// <summary>
    /// The test cluster's client reaches the restarted silo's gateway again on a timer of its own (a second or so):
    /// until then a call fails to connect, which says nothing about the chat.
    /// </summary>
    private static async Task<int?> InboxDepthAsync(IChatGrain grain)
    {
        try
        {
            return (await grain.GetState()).InboxDepth;
        }
        catch (Orleans.Runtime.Messaging.ConnectionFailedException)
        {
            return null;
        }
    }
}
