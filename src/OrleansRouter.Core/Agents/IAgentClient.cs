using OrleansRouter.Personas;

namespace OrleansRouter.Agents;

/// <summary>Talks to the remote agent behind a persona. Implementations never throw for remote failures: they return them.</summary>
public interface IAgentClient
{
    Task<AgentOutcome> SendAsync(AgentRequest request, CancellationToken cancellationToken);

    /// <summary>Checks that the persona's agent answers with its card; used by the health monitor.</summary>
    Task<AgentProbe> ProbeAsync(Persona persona, CancellationToken cancellationToken);
}

/// <param name="MessageId">Stable across retries of the same user message, so an idempotent agent can recognise a resend.</param>
/// <param name="ContextId">The conversation this message continues, when there is one.</param>
/// <param name="TaskId">The interrupted task (input-required) this message answers, when there is one.</param>
public sealed record AgentRequest(Persona Persona, string MessageId, string Text, string? ContextId, string? TaskId);

public sealed record AgentProbe(bool Healthy, string Detail)
{
    private readonly string _detail = FailureDetail.Cap(Detail);

    public string Detail { get => _detail; init => _detail = FailureDetail.Cap(value); }
}
