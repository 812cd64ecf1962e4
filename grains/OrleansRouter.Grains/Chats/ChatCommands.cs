using OrleansRouter.Personas;

namespace OrleansRouter.Grains.Chats;

/// <summary>The commands the router answers itself: what each changes in the chat, and what it replies.</summary>
internal static class ChatCommands
{
    public static string Run(ChatCommand command, ChatState state, PersonaMap personas, long chatId)
    {
        var current = personas.Resolve(chatId, state.ChosenPersona);
        switch (command.Kind)
        {
            case ChatCommandKind.Reset:
                state.Conversations.Remove(current.Name);
                return ChatReplies.Reset(current);
            case ChatCommandKind.Persona:
                return SwitchPersona(command.Argument, current, state, personas, chatId);
            default:
                return ChatReplies.Greeting(current);
        }
    }

    private static string SwitchPersona(string? name, Persona current, ChatState state, PersonaMap personas, long chatId)
    {
        var selectable = personas.All.Where(p => p.Selectable).ToList();
        if (name is null)
        {
            return ChatReplies.PersonaList(current, selectable);
        }

        if (personas.IsPinned(chatId))
        {
            return ChatReplies.PersonaPinned(current);
        }

        var target = selectable.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (target is null)
        {
            return ChatReplies.PersonaUnknown(name, selectable);
        }

        state.ChosenPersona = target.Name;
        return ChatReplies.PersonaSwitched(target);
    }
}
