namespace OrleansRouter.Personas;

/// <summary>Which agents exist and which chat talks to which, as read from <c>PERSONA_MAP_FILE</c>.</summary>
public sealed class PersonaMap
{
    private readonly IReadOnlyDictionary<string, Persona> _personas;
    private readonly IReadOnlyDictionary<long, string> _chatBindings;

    public PersonaMap(string defaultPersona, IEnumerable<Persona> personas, IReadOnlyDictionary<long, string> chatBindings)
    {
        _personas = personas.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _chatBindings = chatBindings;
        if (!_personas.ContainsKey(defaultPersona))
        {
            throw new ArgumentException($"The default persona '{defaultPersona}' is not in the map.", nameof(defaultPersona));
        }

        Default = _personas[defaultPersona];
    }

    public Persona Default { get; }

    public IEnumerable<Persona> All => _personas.Values.OrderBy(p => p.Name, StringComparer.Ordinal);

    public Persona? Find(string? name) => name is not null && _personas.TryGetValue(name, out var persona) ? persona : null;

    /// <summary>A chat the map binds to a persona is pinned to it; <c>/persona</c> cannot move it.</summary>
    public bool IsPinned(long chatId) => _chatBindings.ContainsKey(chatId);

    /// <summary>The persona a chat talks to: its binding in the map, else its own choice, else the default.</summary>
    public Persona Resolve(long chatId, string? chosen)
    {
        if (_chatBindings.TryGetValue(chatId, out var bound) && Find(bound) is { } pinned)
        {
            return pinned;
        }

        return Find(chosen) ?? Default;
    }
}
