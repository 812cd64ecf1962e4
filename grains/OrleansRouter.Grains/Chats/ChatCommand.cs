namespace OrleansRouter.Grains.Chats;

/// <summary>A command the router answers itself; any other text (unknown commands included) goes to the agent.</summary>
internal sealed record ChatCommand(ChatCommandKind Kind, string? Argument)
{
    public static ChatCommand? Parse(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('/'))
        {
            return null;
        }

        var space = trimmed.IndexOfAny([' ', '\n', '\t']);
        var word = space < 0 ? trimmed[1..] : trimmed[1..space];
        var argument = space < 0 ? null : trimmed[(space + 1)..].Trim();

        // In groups commands arrive as /command@BotName.
        var at = word.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            word = word[..at];
        }

        ChatCommandKind? kind = word.ToLowerInvariant() switch
        {
            "start" => ChatCommandKind.Start,
            "reset" => ChatCommandKind.Reset,
            "persona" => ChatCommandKind.Persona,
            _ => null,
        };
        return kind is null ? null : new ChatCommand(kind.Value, string.IsNullOrEmpty(argument) ? null : argument);
    }
}

internal enum ChatCommandKind
{
    Start,
    Reset,
    Persona,
}
