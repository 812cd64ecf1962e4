using System.Text.Json.Nodes;

namespace OrleansRouter.Agents.A2A;

/// <summary>The JSON-RPC methods the client calls, and their parameters, in each dialect.</summary>
internal static class Methods
{
    public static (string Method, JsonObject Params) Send(A2ADialect dialect, AgentRequest request) => dialect == A2ADialect.V1
        ? ("SendMessage", new JsonObject
        {
            ["message"] = Message(dialect, request),
            ["configuration"] = new JsonObject { ["returnImmediately"] = false },
        })
        : ("message/send", new JsonObject
        {
            ["message"] = Message(dialect, request),
            ["configuration"] = new JsonObject { ["blocking"] = true },
        });

    /// <summary>A streamed message; with <paramref name="push"/>, the task's push config goes with it, registered before the task starts.</summary>
    public static (string Method, JsonObject Params) Stream(A2ADialect dialect, AgentRequest request, PushTarget? push)
    {
        var parameters = new JsonObject { ["message"] = Message(dialect, request) };
        if (push is not null)
        {
            var config = new JsonObject { ["url"] = push.Url.AbsoluteUri, ["token"] = push.Token };
            parameters["configuration"] = new JsonObject { [dialect == A2ADialect.V1 ? "taskPushNotificationConfig" : "pushNotificationConfig"] = config };
        }

        return (dialect == A2ADialect.V1 ? "SendStreamingMessage" : "message/stream", parameters);
    }

    public static (string Method, JsonObject Params) Subscribe(A2ADialect dialect, string taskId) =>
        (dialect == A2ADialect.V1 ? "SubscribeToTask" : "tasks/resubscribe", TaskParams(taskId));

    public static string Get(A2ADialect dialect) => dialect == A2ADialect.V1 ? "GetTask" : "tasks/get";

    public static string Cancel(A2ADialect dialect) => dialect == A2ADialect.V1 ? "CancelTask" : "tasks/cancel";

    public static JsonObject TaskParams(string taskId) => new() { ["id"] = taskId };

    /// <summary>The user's message: v1.0 with ProtoJSON roles and bare parts, v0.3 with <c>kind</c> on each object.</summary>
    private static JsonObject Message(A2ADialect dialect, AgentRequest request)
    {
        var message = dialect == A2ADialect.V1
            ? new JsonObject
            {
                ["messageId"] = request.MessageId,
                ["role"] = "ROLE_USER",
                ["parts"] = Parts(dialect, request),
            }
            : new JsonObject
            {
                ["kind"] = "message",
                ["messageId"] = request.MessageId,
                ["role"] = "user",
                ["parts"] = Parts(dialect, request),
            };
        if (request.ContextId is not null)
        {
            message["contextId"] = request.ContextId;
        }

        if (request.TaskId is not null)
        {
            message["taskId"] = request.TaskId;
        }

        return message;
    }

    /// <summary>The text (a file's caption), then each file with its bytes: v1.0 <c>raw</c>, v0.3 a <c>file</c> object.</summary>
    private static JsonArray Parts(A2ADialect dialect, AgentRequest request)
    {
        var parts = new JsonArray();
        var files = request.Files ?? [];
        if (request.Text.Length > 0 || files.Count == 0)
        {
            parts.Add(dialect == A2ADialect.V1
                ? new JsonObject { ["text"] = request.Text }
                : new JsonObject { ["kind"] = "text", ["text"] = request.Text });
        }

        foreach (var file in files)
        {
            var bytes = Convert.ToBase64String(file.Bytes);
            var content = dialect == A2ADialect.V1
                ? new JsonObject { ["raw"] = bytes, ["mediaType"] = file.MediaType }
                : new JsonObject { ["bytes"] = bytes, ["mimeType"] = file.MediaType };
            if (file.Name is not null)
            {
                content[dialect == A2ADialect.V1 ? "filename" : "name"] = file.Name;
            }

            parts.Add(dialect == A2ADialect.V1 ? content : new JsonObject { ["kind"] = "file", ["file"] = content });
        }

        return parts;
    }
}
