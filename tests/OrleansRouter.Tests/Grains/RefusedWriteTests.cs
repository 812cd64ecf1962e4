using System.Globalization;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>
/// A Redis that refuses writes and still answers reads, as the old primary does during a Sentinel failover
/// (min-replicas-to-write with its replica gone): the chat must not reload what storage holds and send again what
/// it already delivered.
/// </summary>
public sealed class RefusedWriteTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task A_delivered_reply_is_not_sent_again_while_storage_refuses_the_writes_that_record_it()
    {
        var chat = NewChatId();
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);
        var refusing = false;

        // Redis starts refusing writes just as the first reply goes out: its "delivered" write is refused.
        cluster.Sender.Fail = (to, text) =>
        {
            if (to == chat && text == "reply: first" && !refusing)
            {
                refusing = true;
                // The sender runs on the grain's scheduler: the RESP call must not continue there while it waits.
                Task.Run(() => RefuseWritesAsync(true)).GetAwaiter().GetResult();
            }

            return null;
        };
        try
        {
            await grain.AcceptAsync(Message(chat, "first"));
            await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the first reply");

            // The ingress offers the next update again and again while the accepts are refused.
            var second = Message(chat, "second");
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var refused = await Assert.ThrowsAnyAsync<Exception>(() => grain.AcceptAsync(second));
                Assert.True(WriteRefusal.StoredNothing(refused), refused.ToString());
            }

            await RefuseWritesAsync(false);
            Assert.Equal(AcceptResult.Accepted, await grain.AcceptAsync(second));
            await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count >= 2, "the second reply");
            Assert.Equal(["reply: first", "reply: second"], cluster.Sender.SentTo(chat));
        }
        finally
        {
            cluster.Sender.Fail = null;
            await RefuseWritesAsync(false);
        }
    }

    [Theory]
    [InlineData("StackExchange.Redis.RedisServerException: NOREPLICAS Not enough good replicas to write. script: 1f2e, on @user_script:3.", true)]
    [InlineData("StackExchange.Redis.RedisServerException: READONLY You can't write against a read only replica.", true)]
    [InlineData("StackExchange.Redis.RedisServerException: LOADING Redis is loading the dataset in memory", true)]
    [InlineData("StackExchange.Redis.RedisTimeoutException: Timeout awaiting response (outbound=0KiB, inbound=0KiB, 5000ms elapsed)", false)]
    [InlineData("StackExchange.Redis.RedisConnectionException: SocketFailure (ReadSocketError/ConnectionReset) on 127.0.0.1:6379/Interactive", false)]
    [InlineData("storage is down", false)]
    public void Only_a_write_the_server_refused_counts_as_having_stored_nothing(string providerMessage, bool storedNothing)
    {
        // As the grain sees it: Orleans wraps the provider's exception, which carries the client's only as text.
        var failure = new OrleansException("Error from storage provider RedisGrainStorage.chats during WriteStateAsync",
            new InvalidOperationException($"Failed to write grain state for chat grain with ID chat/42. {providerMessage}"));

        Assert.Equal(storedNothing, WriteRefusal.StoredNothing(failure));
    }

    /// <summary>With min-replicas-to-write 1 and no replica, Redis refuses every write and serves every read.</summary>
    private async Task RefuseWritesAsync(bool refuse)
    {
        var reply = await RespClient.OnceAsync(cluster.Redis.Port, null, "CONFIG", "SET", "min-replicas-to-write", (refuse ? 1 : 0).ToString(CultureInfo.InvariantCulture));
        Assert.Equal("OK", reply.Text);
    }
}
