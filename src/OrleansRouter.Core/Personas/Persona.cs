namespace OrleansRouter.Personas;

/// <summary>A remote A2A agent that chats are routed to.</summary>
/// <param name="Name">The key in the persona map, and the PersonaGrain key.</param>
/// <param name="AgentUrl">The agent's base URL; its card lives under <c>/.well-known/</c>.</param>
/// <param name="Tag">Short label carried in logs as <c>persona_tag</c>.</param>
/// <param name="Selectable">Whether a chat may switch to this persona with <c>/persona</c>.</param>
public sealed record Persona(
    string Name,
    Uri AgentUrl,
    AgentAuth Auth,
    RateWindow? RateWindow,
    string Tag,
    bool Selectable = true);
