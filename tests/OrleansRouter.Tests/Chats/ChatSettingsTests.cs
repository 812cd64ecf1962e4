using OrleansRouter.Chats;
using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Tests.Chats;

/// <summary>CHAT_IDLE_EXPIRY and GROUP_COMMANDS through the config guard.</summary>
public sealed class ChatSettingsTests
{
    private static (RouterSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Read(params (string Key, string Value)[] process) =>
        RouterSettingsReader.Read(null, new Dictionary<string, string>(process.Select(p => KeyValuePair.Create(p.Key, p.Value))) { ["ROUTER_ENV"] = "local" });

    [Fact]
    public void Chat_state_expires_after_thirty_idle_days_and_group_commands_are_for_admins_by_default()
    {
        var (settings, problems) = Read();

        Assert.Empty(problems);
        Assert.Equal(TimeSpan.FromDays(30), settings!.Chats.IdleExpiry);
        Assert.Equal(GroupCommandPolicy.Admins, settings.Chats.Commands.GroupCommands);
    }

    [Theory]
    [InlineData("off", null)]
    [InlineData("2d", 48.0)]
    [InlineData("90d", 2160.0)]
    public void An_expiry_of_two_days_or_more_or_off_is_accepted(string value, double? hours)
    {
        var (settings, problems) = Read((ConfigKeys.ChatIdleExpiry, value), (ConfigKeys.GroupCommands, "everyone"));

        Assert.Empty(problems);
        Assert.Equal(hours is { } h ? TimeSpan.FromHours(h) : null, settings!.Chats.IdleExpiry);
        Assert.Equal(GroupCommandPolicy.Everyone, settings.Chats.Commands.GroupCommands);
    }

    [Theory]
    [InlineData(ConfigKeys.ChatIdleExpiry, "47h", "shorter than 2d")]
    [InlineData(ConfigKeys.ChatIdleExpiry, "forever", "not a duration")]
    [InlineData(ConfigKeys.GroupCommands, "mods", "not one of: admins, everyone")]
    public void The_guard_refuses_an_expiry_that_could_lose_waiting_work_and_an_unknown_policy(string key, string value, string problem)
    {
        var (settings, problems) = Read((key, value));

        Assert.Null(settings);
        Assert.Contains(problems, p => p.Key == key && p.Problem.Contains(problem, StringComparison.Ordinal));
    }
}
