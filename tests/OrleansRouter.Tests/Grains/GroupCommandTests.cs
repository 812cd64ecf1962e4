using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

public sealed class GroupCluster : RouterCluster
{
    public const long Admin = 1;
    public const long Member = 2;

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo"), Persona("other")], new Dictionary<long, string>());

    public GroupCluster() => Members.IsAdmin = (_, user) => user == Admin;
}

/// <summary>Commands in groups: only this bot's are obeyed, and /reset and /persona only from the group's admins.</summary>
public sealed class GroupCommandTests(GroupCluster cluster) : IClassFixture<GroupCluster>
{
    private const string Me = FakeChatMembers.Username;

    private static long NewGroup() => -NewChatId();

    private async Task SendAsync(long chat, long sender, params string[] texts)
    {
        foreach (var text in texts)
        {
            await cluster.Grains.GetGrain<IChatGrain>(chat).AcceptAsync(Message(chat, text, senderId: sender));
        }

        await Eventually.HoldsAsync(async () => (await cluster.Grains.GetGrain<IChatGrain>(chat).GetState()).InboxDepth == 0, "every message handled");
    }

    [Fact]
    public async Task Commands_for_another_bot_are_ignored_entirely_and_reach_no_agent()
    {
        var group = NewGroup();

        await SendAsync(group, GroupCluster.Admin, $"one {group}", "/reset@OtherBot", "/persona@OtherBot other", "/help@OtherBot now", $"two {group}");

        Assert.Equal([$"reply: one {group}", $"reply: two {group}"], cluster.Sender.SentTo(group));
        Assert.Equal("ctx-echo", cluster.Agent.RequestsWith($"two {group}").Single().ContextId);
        Assert.Equal("echo", cluster.Agent.RequestsWith($"two {group}").Single().Persona.Name);
        Assert.DoesNotContain(cluster.Agent.Requests, r => r.Text.Contains("@OtherBot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Commands_for_this_bot_or_for_no_bot_are_obeyed_and_its_unknown_ones_go_to_the_agent()
    {
        var group = NewGroup();

        await SendAsync(group, GroupCluster.Admin, $"/persona@{Me} other", "/reset", $"/weather@{Me} Paris {group}");

        var replies = cluster.Sender.SentTo(group);
        Assert.Contains("now talking to other", replies[0]);
        Assert.Contains("new conversation with other", replies[1]);
        Assert.Equal("other", cluster.Agent.RequestsWith($"Paris {group}").Single().Persona.Name);
    }

    [Fact]
    public async Task A_member_who_is_no_admin_is_refused_reset_and_persona_and_changes_nothing()
    {
        var group = NewGroup();

        await SendAsync(group, GroupCluster.Admin, $"hello {group}");
        await SendAsync(group, GroupCluster.Member, "/reset", $"/persona@{Me} other", "/start", $"again {group}");

        var replies = cluster.Sender.SentTo(group);
        Assert.Equal("Only the group's admins can use /reset here.", replies[1]);
        Assert.Equal("Only the group's admins can use /persona here.", replies[2]);
        Assert.Contains("talking to echo", replies[3]);
        var again = cluster.Agent.RequestsWith($"again {group}").Single();
        Assert.Equal(("echo", "ctx-echo"), (again.Persona.Name, again.ContextId));
    }

    [Fact]
    public async Task An_admin_check_telegram_cannot_answer_refuses_with_a_try_again_and_a_private_chat_needs_none()
    {
        var group = NewGroup();
        var chat = NewChatId();
        var members = cluster.Members.IsAdmin;
        cluster.Members.IsAdmin = (to, user) => to == group ? null : members(to, user);

        await SendAsync(group, GroupCluster.Admin, "/reset");
        await SendAsync(chat, GroupCluster.Member, "/reset");

        Assert.Contains("could not check", cluster.Sender.SentTo(group).Single());
        Assert.Contains("new conversation", cluster.Sender.SentTo(chat).Single());
        Assert.Equal(0, cluster.Members.AskedAbout(chat));
    }
}
