namespace OrleansRouter.Agents;

/// <summary>What came back from one agent call: a reply to show, or a classified failure.</summary>
public abstract record AgentOutcome;

/// <param name="ContextId">The conversation the agent placed the message in; kept for the next message.</param>
/// <param name="TaskId">The task the agent answered with, when it answered with one.</param>
public sealed record AgentReply(AgentReplyKind Kind, string Text, string? ContextId, string? TaskId) : AgentOutcome
{
    /// <summary>The agent waits for the user (input-required, auth-required): the next message continues this task.</summary>
    public bool AwaitsUser => Kind is AgentReplyKind.InputRequired or AgentReplyKind.AuthRequired;
}

/// <summary>A task the agent is still working on: a blocking send polls it, a cancel is still under way.</summary>
public sealed record TaskInProgress(string TaskId, string? ContextId) : AgentOutcome;

/// <param name="Code">A short machine-readable cause, e.g. <c>http_503</c>, <c>timeout</c>, <c>jsonrpc_-32601</c>.</param>
/// <param name="Detail">A human-readable cause, safe to log: never a credential.</param>
public sealed record AgentFailure(FailureClass Class, string Code, string Detail) : AgentOutcome
{
    private readonly string _detail = FailureDetail.Cap(Detail);

    public string Detail { get => _detail; init => _detail = FailureDetail.Cap(value); }

    /// <summary>The agent no longer knows the task we tried to continue (A2A TaskNotFoundError).</summary>
    public bool TaskNotFound => Code == AgentFailureCodes.TaskNotFound;
}

public enum AgentReplyKind
{
    /// <summary>A direct message, no task.</summary>
    Message,
    Completed,
    InputRequired,
    AuthRequired,
    Failed,
    Rejected,
    Canceled,
}

public static class AgentFailureCodes
{
    public const string TaskNotFound = "task_not_found";

    /// <summary>The agent will not cancel the task (A2A TaskNotCancelableError): it is over, or cannot be stopped.</summary>
    public const string TaskNotCancelable = "task_not_cancelable";
    public const string Timeout = "timeout";
    public const string Network = "network";
    public const string InvalidResponse = "invalid_response";

    /// <summary>A 200 whose body is cut short or is not JSON at all, as a proxy or a dropped connection gives: transient.</summary>
    public const string InvalidResponseBody = "invalid_response_body";

    /// <summary>A body over <c>A2A_MAX_RESPONSE_BYTES</c>: fatal, the same request would get the same answer.</summary>
    public const string ResponseTooLarge = "response_too_large";

    /// <summary>A stream that carried more than its limit in all: transient, the task is picked up again from a snapshot.</summary>
    public const string StreamTooLarge = "stream_too_large";

    /// <summary>A 3xx: redirects are never followed, since they would carry the credential and the user's text elsewhere.</summary>
    public const string Redirect = "redirect";

    /// <summary>The card names an endpoint on another origin than <c>agent_url</c>, and the persona has a credential.</summary>
    public const string CardElsewhere = "card_elsewhere";

    /// <summary>The persona has a credential and its agent is on plain http off loopback.</summary>
    public const string InsecureTransport = "insecure_transport";
}
