namespace OrleansRouter.Agents;

/// <summary>
/// One event of an agent's answer as it arrives: the A2A stream's task snapshots, status updates and artifact
/// chunks, in either protocol version, and the end of the answer. <see cref="StreamedAnswer"/> puts them together.
/// </summary>
public abstract record AgentStreamEvent
{
    /// <summary>The whole task as the agent has it now: what was assembled before is replaced by it.</summary>
    public sealed record Snapshot(string TaskId, string? ContextId, AgentTaskState State, string StatusText, IReadOnlyList<ArtifactText> Artifacts)
        : AgentStreamEvent;

    /// <param name="Final">v0.3's <c>final</c>: the agent will send nothing more on this stream.</param>
    public sealed record Status(string TaskId, string? ContextId, AgentTaskState State, string StatusText, bool Final) : AgentStreamEvent;

    /// <param name="Append">Adds to the artifact with this id; otherwise the chunk replaces it.</param>
    /// <param name="LastChunk">The artifact is complete.</param>
    public sealed record Chunk(string TaskId, string? ContextId, string ArtifactId, string Text, bool Append, bool LastChunk) : AgentStreamEvent;

    /// <summary>The answer is over: a direct message, a blocking call's outcome, or a failure.</summary>
    public sealed record Finished(AgentOutcome Outcome) : AgentStreamEvent;
}

/// <summary>The readable text of one artifact, as a snapshot holds it.</summary>
public sealed record ArtifactText(string ArtifactId, string Text);

/// <summary>A2A's task states, both spellings (<c>TASK_STATE_INPUT_REQUIRED</c>, <c>input-required</c>) read as one.</summary>
public enum AgentTaskState
{
    Unknown,
    Submitted,
    Working,
    InputRequired,
    AuthRequired,
    Completed,
    Failed,
    Canceled,
    Rejected,
}

public static class AgentTaskStates
{
    /// <summary>"TASK_STATE_INPUT_REQUIRED" (v1.0) and "input-required" (v0.3) are both <see cref="AgentTaskState.InputRequired"/>.</summary>
    public static AgentTaskState Parse(string? state)
    {
        if (state is null)
        {
            return AgentTaskState.Unknown;
        }

        var lower = state.Trim().ToLowerInvariant();
        if (lower.StartsWith("task_state_", StringComparison.Ordinal))
        {
            lower = lower["task_state_".Length..];
        }

        return lower.Replace('_', '-') switch
        {
            "submitted" => AgentTaskState.Submitted,
            "working" => AgentTaskState.Working,
            "input-required" => AgentTaskState.InputRequired,
            "auth-required" => AgentTaskState.AuthRequired,
            "completed" => AgentTaskState.Completed,
            "failed" => AgentTaskState.Failed,
            "canceled" or "cancelled" => AgentTaskState.Canceled,
            "rejected" => AgentTaskState.Rejected,
            _ => AgentTaskState.Unknown,
        };
    }

    /// <summary>The agent is still at it: the answer is yet to come.</summary>
    public static bool InProgress(this AgentTaskState state) => state is AgentTaskState.Submitted or AgentTaskState.Working;

    /// <summary>The reply a task in this state gives, or null while it is in progress or its state is unknown.</summary>
    public static AgentReplyKind? ReplyKind(this AgentTaskState state) => state switch
    {
        AgentTaskState.Completed => AgentReplyKind.Completed,
        AgentTaskState.InputRequired => AgentReplyKind.InputRequired,
        AgentTaskState.AuthRequired => AgentReplyKind.AuthRequired,
        AgentTaskState.Failed => AgentReplyKind.Failed,
        AgentTaskState.Rejected => AgentReplyKind.Rejected,
        AgentTaskState.Canceled => AgentReplyKind.Canceled,
        _ => null,
    };
}
