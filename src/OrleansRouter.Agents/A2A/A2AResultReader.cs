using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Turns a send or get-task result of either dialect into an <see cref="AgentOutcome"/>. Lenient by design: the
/// <c>kind</c> discriminator may be missing, enums may be spelled the v1.0 or the v0.3 way, unknown fields are ignored.
/// </summary>
internal static class A2AResultReader
{
    public static AgentOutcome Read(JsonElement result)
    {
        if (Json.Object(result, "task") is { } wrappedTask)
        {
            return ReadTask(wrappedTask);
        }

        if (Json.Object(result, "message") is { } wrappedMessage)
        {
            return ReadMessage(wrappedMessage);
        }

        var kind = Json.String(result, "kind");
        if (kind == "task" || (kind is null && Json.Object(result, "status") is not null))
        {
            return ReadTask(result);
        }

        if (kind == "message" || (kind is null && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("parts", out _)))
        {
            return ReadMessage(result);
        }

        return Invalid("the result is neither a task nor a message");
    }

    public static AgentReply ReadMessage(JsonElement message) =>
        new(AgentReplyKind.Message, A2AParts.TextOf(message), Json.String(message, "contextId"), Json.String(message, "taskId"));

    /// <summary>A task as a snapshot of a stream, or null when it has no id to tell it by.</summary>
    public static AgentStreamEvent.Snapshot? ReadSnapshot(JsonElement task)
    {
        var status = Json.Object(task, "status");
        return Json.String(task, "id") is { } id
            ? new AgentStreamEvent.Snapshot(id, Json.String(task, "contextId"), A2AParts.State(status), A2AParts.StatusText(status), A2AParts.Artifacts(task))
            : null;
    }

    private static AgentOutcome ReadTask(JsonElement task)
    {
        var id = Json.String(task, "id");
        var contextId = Json.String(task, "contextId");
        var status = Json.Object(task, "status");
        var state = A2AParts.State(status);
        var statusText = A2AParts.StatusText(status);
        var artifactText = TaskReply.Join(A2AParts.Artifacts(task).Select(a => a.Text));

        if (state.InProgress())
        {
            return id is null ? Invalid("a task in progress came without an id") : new TaskInProgress(id, contextId);
        }

        if (state.ReplyKind() is not { } kind)
        {
            // An unknown state with something to say is still an answer; without, there is nothing to show.
            var any = TaskReply.Combine(artifactText, statusText);
            return any.Length > 0
                ? new AgentReply(AgentReplyKind.Completed, any, contextId, id)
                : Invalid($"the task is in an unknown state '{(status is { } s ? Json.String(s, "state") : null) ?? "(none)"}'");
        }

        return TaskReply.Of(kind, statusText, artifactText, contextId, id, int.MaxValue);
    }

    private static AgentFailure Invalid(string detail) => new(FailureClass.Fatal, AgentFailureCodes.InvalidResponse, detail);
}
