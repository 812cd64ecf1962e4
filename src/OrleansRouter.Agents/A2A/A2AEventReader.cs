using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Reads one event of an A2A stream, the <c>result</c> of one SSE event's JSON-RPC response: v1.0's StreamResponse
/// (<c>task</c>, <c>message</c>, <c>statusUpdate</c> or <c>artifactUpdate</c>) or v0.3's object told apart by
/// <c>kind</c> (<c>task</c>, <c>message</c>, <c>status-update</c>, <c>artifact-update</c>). Null for an event it does not
/// know or that names no task: a newer agent's extra events are skipped, not fatal. A task or message without
/// <c>kind</c> (a v1.0 GetTask answer) is told by its fields.
/// </summary>
internal static class A2AEventReader
{
    public static AgentStreamEvent? Read(JsonElement result)
    {
        if (Json.Object(result, "statusUpdate") is { } status)
        {
            return ReadStatus(status);
        }

        if (Json.Object(result, "artifactUpdate") is { } artifact)
        {
            return ReadChunk(artifact);
        }

        if (Json.Object(result, "task") is { } task)
        {
            return A2AResultReader.ReadSnapshot(task);
        }

        if (Json.Object(result, "message") is { } message)
        {
            return new AgentStreamEvent.Finished(A2AResultReader.ReadMessage(message));
        }

        return Json.String(result, "kind") switch
        {
            "status-update" => ReadStatus(result),
            "artifact-update" => ReadChunk(result),
            "task" => A2AResultReader.ReadSnapshot(result),
            "message" => new AgentStreamEvent.Finished(A2AResultReader.ReadMessage(result)),
            null when Json.Object(result, "status") is not null => A2AResultReader.ReadSnapshot(result),
            null when result.ValueKind == JsonValueKind.Object && result.TryGetProperty("parts", out _) =>
                new AgentStreamEvent.Finished(A2AResultReader.ReadMessage(result)),
            _ => null,
        };
    }

    private static AgentStreamEvent.Status? ReadStatus(JsonElement update)
    {
        var status = Json.Object(update, "status");
        return Json.String(update, "taskId") is { } taskId
            ? new AgentStreamEvent.Status(taskId, Json.String(update, "contextId"), A2AParts.State(status), A2AParts.StatusText(status), Bool(update, "final"))
            : null;
    }

    private static AgentStreamEvent.Chunk? ReadChunk(JsonElement update)
    {
        if (Json.String(update, "taskId") is not { } taskId || Json.Object(update, "artifact") is not { } artifact)
        {
            return null;
        }

        return new AgentStreamEvent.Chunk(taskId, Json.String(update, "contextId"), Json.String(artifact, "artifactId") ?? "artifact-0",
            A2AParts.TextOf(artifact), Bool(update, "append"), Bool(update, "lastChunk"));
    }

    private static bool Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
