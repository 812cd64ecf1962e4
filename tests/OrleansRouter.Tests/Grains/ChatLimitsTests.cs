using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Queues;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

public sealed class LimitedCluster : RouterCluster
{
    public const long AllowedChat = 4_000_001;

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    public override QueueOptions Queue => base.Queue with { MaxDepthPerChat = 2, AllowedChatIds = new HashSet<long> { AllowedChat } };
}

public sealed class ChatLimitsTests(LimitedCluster cluster) : IClassFixture<LimitedCluster>
{
    [Fact]
    public async Task A_full_inbox_refuses_further_messages_with_one_notice_and_loses_none_already_accepted()
    {
        var chat = LimitedCluster.AllowedChat;
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = cluster.Agent.Answer;
        cluster.Agent.Answer = async request =>
        {
            await release.Task;
            return await echo(request);
        };

        var results = new List<AcceptResult>();
        foreach (var text in new[] { "m1", "m2", "m3", "m4" })
        {
            results.Add(await grain.AcceptAsync(Message(chat, text)));
        }

        release.SetResult();
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count >= 3, "two replies and a notice");

        Assert.Equal([AcceptResult.Accepted, AcceptResult.Accepted, AcceptResult.Overflowed, AcceptResult.Overflowed], results);
        var sent = cluster.Sender.SentTo(chat);
        Assert.Equal(["reply: m1", "reply: m2"], sent.Take(2));
        Assert.Contains("were not passed on", sent[2]);
        Assert.Equal(2, (await grain.GetState()).Overflowed);
        Assert.Equal(3, sent.Count);
    }
}
