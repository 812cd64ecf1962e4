namespace OrleansRouter.Grains.Chats;

/// <summary>
/// A command the router answers itself, or a command addressed to a bot by name (<c>/word@SomeBot</c>), which may
/// be another bot's. Any other text (unknown commands without an addressee included) goes to the agent.
/// </summary>
/// <param name="Addressee">The bot named after the <c>@</c>, as written; null for an unaddressed command.</param>
internal sealed record ChatCommand(ChatCommandKind Kind, string? Argument, string? Addressee = null)
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
        string? addressee = null;
        var at = word.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            addressee = word[(at + 1)..];
            word = word[..at];
        }

        ChatCommandKind? kind = word.ToLowerInvariant() switch
        {
            "start" => ChatCommandKind.Start,
            "reset" => ChatCommandKind.Reset,
            "persona" => ChatCommandKind.Persona,
            "cancel" => ChatCommandKind.Cancel,
            _ when addressee is not null => ChatCommandKind.Other,
            _ => null,
        };
        return kind is null ? null : new ChatCommand(kind.Value, string.IsNullOrEmpty(argument) ? null : argument, addressee);
    }
}

internal enum ChatCommandKind
{
    Start,
    Reset,
    Persona,

    /// <summary>Stops the answer under way (see <see cref="ChatStop"/>).</summary>
    Cancel,

    /// <summary>A command the router does not know, addressed to a bot by name: text for the agent if it is this bot.</summary>
    Other,
}
