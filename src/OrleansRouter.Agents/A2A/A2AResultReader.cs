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

    private static AgentReply ReadMessage(JsonElement message) =>
        new AgentReply(AgentReplyKind.Message, TextOf(message), Json.String(message, "contextId"), Json.String(message, "taskId"));

    private static AgentOutcome ReadTask(JsonElement task)
    {
        var id = Json.String(task, "id");
        var contextId = Json.String(task, "contextId");
        var status = Json.Object(task, "status");
        var state = Normalize(status is { } s ? Json.String(s, "state") : null);
        var statusText = status is { } st && Json.Object(st, "message") is { } statusMessage ? TextOf(statusMessage) : "";
        var artifactText = string.Join("\n\n", Json.Array(task, "artifacts").Select(TextOf).Where(t => t.Length > 0));

        AgentReplyKind? kind = state switch
        {
            "completed" => AgentReplyKind.Completed,
            "input-required" => AgentReplyKind.InputRequired,
            "auth-required" => AgentReplyKind.AuthRequired,
            "failed" => AgentReplyKind.Failed,
            "rejected" => AgentReplyKind.Rejected,
            "canceled" or "cancelled" => AgentReplyKind.Canceled,
            _ => null,
        };

        if (state is "submitted" or "working")
        {
            return id is null ? Invalid("a task in progress came without an id") : new TaskInProgress(id, contextId);
        }

        if (kind is null)
        {
            // An unknown state with something to say is still an answer; without, there is nothing to show.
            var any = Combine(artifactText, statusText);
            return any.Length > 0
                ? new AgentReply(AgentReplyKind.Completed, any, contextId, id)
                : Invalid($"the task is in an unknown state '{state ?? "(none)"}'");
        }

        var text = kind is AgentReplyKind.Completed ? Combine(artifactText, statusText) : Combine(statusText, artifactText);
        return new AgentReply(kind.Value, text, contextId, id);
    }

    /// <summary>"TASK_STATE_INPUT_REQUIRED" (v1.0) and "input-required" (v0.3) both become "input-required".</summary>
    private static string? Normalize(string? state)
    {
        if (state is null)
        {
            return null;
        }

        var lower = state.Trim().ToLowerInvariant();
        if (lower.StartsWith("task_state_", StringComparison.Ordinal))
        {
            lower = lower["task_state_".Length..];
        }

        return lower.Replace('_', '-');
    }

    private static string Combine(string first, string second) =>
        first.Length == 0 ? second
        : second.Length == 0 || second == first ? first
        : $"{first}\n\n{second}";

    /// <summary>The readable content of a message or artifact: text parts as they are, data as JSON, files by name.</summary>
    private static string TextOf(JsonElement holder) =>
        string.Join("\n", Json.Array(holder, "parts").Select(TextOfPart).Where(t => t.Length > 0));

    private static string TextOfPart(JsonElement part)
    {
        if (Json.String(part, "text") is { } text)
        {
            return text;
        }

        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("data", out var data))
        {
            return data.GetRawText();
        }

        var file = Json.Object(part, "file");
        var name = Json.String(part, "filename")
            ?? (file is { } f ? Json.String(f, "name") ?? Json.String(f, "uri") : null)
            ?? Json.String(part, "url");
        return file is not null || name is not null || Json.String(part, "raw") is not null ? $"[file: {name ?? "attachment"}]" : "";
    }

    private static AgentFailure Invalid(string detail) => new(FailureClass.Fatal, AgentFailureCodes.InvalidResponse, detail);
}

/// <summary>A task the agent is still working on despite a blocking send; the client polls it.</summary>
internal sealed record TaskInProgress(string TaskId, string? ContextId) : AgentOutcome;
