using OrleansRouter.Chats;

namespace OrleansRouter.Host.Configuration;

/// <summary>What the chats keep and whom they obey.</summary>
/// <param name="IdleExpiry">
/// CHAT_IDLE_EXPIRY: a chat's stored state (conversation, dedupe window, dead letters) goes after this long without a
/// write; null (<c>off</c>) keeps it forever. Redis storage only.
/// </param>
/// <param name="Commands">GROUP_COMMANDS: who may use <c>/reset</c> and <c>/persona</c> in a group.</param>
public sealed record ChatSettings(TimeSpan? IdleExpiry, ChatCommandOptions Commands)
{
    public static ChatSettings Default { get; } = new(TimeSpan.FromDays(30), new ChatCommandOptions());
}
