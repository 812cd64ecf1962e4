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
                ["parts"] = new JsonArray(new JsonObject { ["text"] = request.Text }),
            }
            : new JsonObject
            {
                ["kind"] = "message",
                ["messageId"] = request.MessageId,
                ["role"] = "user",
                ["parts"] = new JsonArray(new JsonObject { ["kind"] = "text", ["text"] = request.Text }),
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
}
