using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>A group that becomes a supergroup keeps its conversation under the new chat id.</summary>
public sealed class ChatMigrationTests : IClassFixture<ChatCluster>
{
    private readonly ChatCluster _cluster;

    public ChatMigrationTests(ChatCluster cluster)
    {
        _cluster = cluster;
        cluster.Reset();
    }

    [Fact]
    public async Task The_migration_message_moves_the_conversation_to_the_supergroup()
    {
        var group = -NewChatId();
        var supergroup = -1_000_000_000_000 - NewChatId();
        _cluster.Agent.Answer = request => Task.FromResult<AgentOutcome>(
            new AgentReply(AgentReplyKind.Message, $"reply: {request.Text}", request.ContextId ?? $"ctx-{group}", null));

        await _cluster.Grains.GetGrain<IChatGrain>(group).AcceptAsync(Message(group, $"hello {group}"));
        await Eventually.HoldsAsync(() => _cluster.Sender.SentTo(group).Count == 1, "the group's reply");
        await _cluster.Grains.GetGrain<IChatGrain>(group).AcceptAsync(Message(group, "x") with { Text = null, MigrateToChatId = supergroup });
        await Eventually.HoldsAsync(async () => (await _cluster.Grains.GetGrain<IChatGrain>(group).GetState()).InboxDepth == 0, "the migration handled");
        await _cluster.Grains.GetGrain<IChatGrain>(supergroup).AcceptAsync(Message(supergroup, $"again {group}"));
        await Eventually.HoldsAsync(() => _cluster.Sender.SentTo(supergroup).Count == 1, "the supergroup's reply");

        Assert.Equal($"ctx-{group}", _cluster.Agent.RequestsWith($"again {group}").Single().ContextId);
        Assert.Single(_cluster.Sender.SentTo(group));
    }

    [Fact]
    public async Task A_reply_refused_because_the_group_migrated_is_delivered_to_the_supergroup()
    {
        var group = -NewChatId();
        var supergroup = -1_000_000_000_000 - NewChatId();
        _cluster.Sender.Fail = (chat, _) => chat == group
            ? new SendFailed(FailureClass.Fatal, "chat_migrated", "group chat was upgraded to a supergroup chat", MigratedTo: supergroup)
            : null;

        await _cluster.Grains.GetGrain<IChatGrain>(group).AcceptAsync(Message(group, $"moving {group}"));
        await Eventually.HoldsAsync(() => _cluster.Sender.SentTo(supergroup).Count == 1, "the reply in the supergroup");

        Assert.Equal([$"reply: moving {group}"], _cluster.Sender.SentTo(supergroup));
        Assert.Single(_cluster.Agent.RequestsWith($"moving {group}"));
    }

    [Fact]
    public async Task A_message_that_still_reaches_the_old_group_is_answered_in_the_supergroup()
    {
        var group = -NewChatId();
        var supergroup = -1_000_000_000_000 - NewChatId();

        await _cluster.Grains.GetGrain<IChatGrain>(group).AcceptAsync(Message(group, "x") with { Text = null, MigrateToChatId = supergroup });
        await _cluster.Grains.GetGrain<IChatGrain>(group).AcceptAsync(Message(group, $"late {group}"));
        await Eventually.HoldsAsync(() => _cluster.Sender.SentTo(supergroup).Count == 1, "the late message answered in the supergroup");

        Assert.Equal([$"reply: late {group}"], _cluster.Sender.SentTo(supergroup));
        Assert.Empty(_cluster.Sender.SentTo(group));
    }
}
