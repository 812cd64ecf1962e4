using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>Chat state in a storage that counts the bytes each write costs.</summary>
public sealed class CountingCluster : RouterCluster
{
    public CountingStorage Storage { get; } = new();

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Chats, (services, _) => Storage.Using(services.GetRequiredService<IGrainStorageSerializer>()));
        silo.AddMemoryGrainStorage(StorageNames.Personas).AddMemoryGrainStorage(StorageNames.Cluster).UseInMemoryReminderService();
    }
}

public sealed class ReplyStorageTests(CountingCluster cluster) : IClassFixture<CountingCluster>
{
    private const int Parts = 40;

    /// <summary>A reply the splitter cuts into exactly <see cref="Parts"/> parts of about 4,000 characters.</summary>
    private static string LongReply(long chat) => string.Join("\n\n", Enumerable.Range(0, Parts).Select(i => $"{chat}:{i}:" + new string('x', 4000)));

    private async Task<long> BytesWrittenForAsync(long chat, string reply)
    {
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);
        var text = $"tell me a lot {chat}";
        var agent = cluster.Agent.Answer;
        cluster.Agent.Answer = request => request.Text == text
            ? Task.FromResult<AgentOutcome>(new AgentReply(AgentReplyKind.Message, reply, "ctx", null))
            : agent(request);

        await grain.AcceptAsync(Message(chat, text));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == Parts, $"{Parts} parts sent", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => (await grain.GetState()).InboxDepth == 0, "the reply done");

        Assert.Equal(reply, string.Concat(cluster.Sender.SentTo(chat)));
        return cluster.Storage.BytesWritten(grain.GetGrainId());
    }

    [Fact]
    public async Task A_reply_of_forty_parts_costs_storage_writes_of_about_its_own_size_not_its_size_for_each_part()
    {
        var chat = NewChatId();
        var reply = LongReply(chat);

        var written = await BytesWrittenForAsync(chat, reply);

        // The reply is stored once (before its first part goes); each part sent adds a few dozen bytes of progress.
        Assert.True(written < (2.5 * reply.Length) + (64 * 1024), $"{written:N0} bytes written for a reply of {reply.Length:N0} characters");
    }

    [Fact]
    public async Task A_429_on_every_part_of_a_long_reply_keeps_its_storage_cost_linear()
    {
        var chat = NewChatId();
        var reply = LongReply(chat);
        var refused = new HashSet<string>();
        cluster.Sender.Fail = (to, text) =>
        {
            lock (refused)
            {
                return to == chat && refused.Add(text)
                    ? new SendFailed(FailureClass.Transient, "http_429", "Too Many Requests: retry after 0", RetryAfter: TimeSpan.FromMilliseconds(1))
                    : null;
            }
        };

        try
        {
            var written = await BytesWrittenForAsync(chat, reply);

            Assert.Equal(Parts, refused.Count);
            Assert.True(written < (2.5 * reply.Length) + (64 * 1024), $"{written:N0} bytes written for a reply of {reply.Length:N0} characters");
        }
        finally
        {
            cluster.Sender.Fail = null;
        }
    }
}
