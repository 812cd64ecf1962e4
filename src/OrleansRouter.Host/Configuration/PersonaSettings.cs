using OrleansRouter.Personas;

namespace OrleansRouter.Host.Configuration;

/// <summary>The persona map as the config guard read it.</summary>
/// <param name="ServesEchoAgent">Whether a persona uses the built-in echo agent, which is then served on the HTTP endpoint.</param>
/// <param name="TokenKeys">The keys the personas' <c>token_env</c> name: secrets, with a rotation policy.</param>
public sealed record PersonaSettings(PersonaMap Map, bool ServesEchoAgent, IReadOnlyList<string> TokenKeys);
