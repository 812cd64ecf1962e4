using OrleansRouter.Media;
using OrleansRouter.Personas;

namespace OrleansRouter.Agents;

/// <summary>Talks to the remote agent behind a persona. Implementations never throw for remote failures: they return them.</summary>
public interface IAgentClient
{
    /// <summary>Sends and waits for the whole answer.</summary>
    Task<AgentOutcome> SendAsync(AgentRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Sends and streams the answer as it grows, when the agent can stream; otherwise the one event is the blocking
    /// answer. Ends with a <see cref="AgentStreamEvent.Finished"/>, with a task in a final state, or, when the stream
    /// was cut, without either: then <see cref="ResumeAsync"/> picks the task up.
    /// </summary>
    IAsyncEnumerable<AgentStreamEvent> StreamAsync(AgentRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Follows a task already under way: resubscribes to its stream (the first event a snapshot of the task), or, where
    /// the agent cannot, polls it. Ends like <see cref="StreamAsync"/>.
    /// </summary>
    IAsyncEnumerable<AgentStreamEvent> ResumeAsync(AgentTask task, CancellationToken cancellationToken);

    /// <summary>The task as it is now (GetTask), as one event: a snapshot of it, or the failure that says why not.</summary>
    Task<AgentStreamEvent> PeekAsync(AgentTask task, CancellationToken cancellationToken);

    /// <summary>Asks the agent to stop the task: the task as it ended, or why it could not.</summary>
    Task<AgentOutcome> CancelAsync(AgentTask task, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the persona's agent sends push notifications (its card says <c>capabilities.pushNotifications</c>): a
    /// streamed request with a <see cref="AgentRequest.Push"/> registers them for its task, which then needs no open
    /// stream to be followed.
    /// </summary>
    Task<bool> PushesAsync(Persona persona, CancellationToken cancellationToken);

    /// <summary>The media types the persona's agent takes (its card's input modes); null when its card cannot be read now.</summary>
    Task<MediaModes?> InputModesAsync(Persona persona, CancellationToken cancellationToken);

    /// <summary>Checks that the persona's agent answers with its card; used by the health monitor.</summary>
    Task<AgentProbe> ProbeAsync(Persona persona, CancellationToken cancellationToken);
}

/// <param name="MessageId">Stable across retries of the same user message, so an idempotent agent can recognise a resend.</param>
/// <param name="ContextId">The conversation this message continues, when there is one.</param>
/// <param name="TaskId">The interrupted task (input-required) this message answers, when there is one.</param>
/// <param name="Push">Where the agent may notify the router of the task's progress, where it can; null for none.</param>
/// <param name="Files">The files the user sent with the message, in order; the text is their caption.</param>
public sealed record AgentRequest(Persona Persona, string MessageId, string Text, string? ContextId, string? TaskId, PushTarget? Push = null,
    IReadOnlyList<AgentFile>? Files = null);

/// <summary>A file for the agent, with its bytes: fetched from Telegram for the call, never stored.</summary>
public sealed record AgentFile(string? Name, string MediaType, byte[] Bytes);

/// <summary>A push notification address for one task: the router's URL for the chat, and the token the agent sends back.</summary>
public sealed record PushTarget(Uri Url, string Token);

/// <summary>A task an agent took on for a persona.</summary>
public sealed record AgentTask(Persona Persona, string TaskId, string? ContextId);

public sealed record AgentProbe(bool Healthy, string Detail)
{
    private readonly string _detail = FailureDetail.Cap(Detail);

    public string Detail { get => _detail; init => _detail = FailureDetail.Cap(value); }
}
