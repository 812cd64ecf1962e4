using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Reads the task a push notification is about. v1.0 posts a StreamResponse (<c>task</c>, <c>statusUpdate</c> or
/// <c>artifactUpdate</c>); v0.3 posts the Task itself (<c>kind</c> "task", or a task's fields without it). Only the id
/// is taken: what the task says is asked of the agent.
/// </summary>
public static class PushNotification
{
    /// <summary>The task's id; null when the body is none of these.</summary>
    public static string? TaskIdOf(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (Json.Object(body, "task") is { } task)
        {
            return Json.String(task, "id");
        }

        if ((Json.Object(body, "statusUpdate") ?? Json.Object(body, "artifactUpdate")) is { } update)
        {
            return Json.String(update, "taskId");
        }

        return Json.String(body, "kind") switch
        {
            "task" => Json.String(body, "id"),
            "status-update" or "artifact-update" => Json.String(body, "taskId"),
            null when Json.Object(body, "status") is not null => Json.String(body, "id"),
            _ => null,
        };
    }
}
