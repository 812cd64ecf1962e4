namespace OrleansRouter.Chats;

/// <summary>Who may use the commands that change a group's conversation (<c>/reset</c>, <c>/persona</c>).</summary>
public enum GroupCommandPolicy
{
    /// <summary>The group's creator and administrators only (GROUP_COMMANDS=admins, the default).</summary>
    Admins,

    /// <summary>Any member (GROUP_COMMANDS=everyone).</summary>
    Everyone,
}

/// <summary>The chat commands' settings.</summary>
public sealed record ChatCommandOptions
{
    public GroupCommandPolicy GroupCommands { get; init; } = GroupCommandPolicy.Admins;
}
