using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRouter.Agents.A2A;

namespace OrleansRouter.Agents.Echo;

/// <summary>
/// A real A2A agent over HTTP that answers every message with "echo #N: text", N counting the turns of its
/// conversation (<c>contextId</c>), so <c>/reset</c> is visible. Speaks v1.0 and v0.3 on the same endpoint; the
/// local environment routes to it, so it runs with no outside service. It streams: a streamed message becomes a
/// task whose echo comes a word at a time, <see cref="WordPause"/> apart. The task is complete as soon as it is made
/// (it is an echo), so following it again after a cut, or asking for it, gives the whole echo at once.
/// </summary>
public sealed class EchoAgent
{
    private const int MaxConversations = 100_000;
    private const int MaxTasks = 10_000;

    /// <summary>Between two words of a streamed echo: slow enough to see a draft grow, quick enough not to wait for.</summary>
    public static readonly TimeSpan WordPause = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, int> _turns = new();
    private readonly ConcurrentDictionary<string, (string ContextId, string Text)> _tasks = new();

    public static JsonObject Card(Uri endpoint) => new()
    {
        ["name"] = "Echo",
        ["description"] = "Echoes every message back, counting the turns of the conversation.",
        ["version"] = "1.0.0",
        ["supportedInterfaces"] = new JsonArray(
            Interface(endpoint, "1.0"),
            Interface(endpoint, "0.3")),
        ["url"] = endpoint.AbsoluteUri,
        ["protocolVersion"] = "0.3.0",
        ["preferredTransport"] = "JSONRPC",
        ["capabilities"] = new JsonObject { ["streaming"] = true },
        ["defaultInputModes"] = new JsonArray("text/plain"),
        ["defaultOutputModes"] = new JsonArray("text/plain"),
        ["skills"] = new JsonArray(new JsonObject
        {
            ["id"] = "echo",
            ["name"] = "Echo",
            ["description"] = "Repeats the message.",
            ["tags"] = new JsonArray("echo"),
        }),
    };

    /// <summary>
    /// Answers one JSON-RPC request body; <paramref name="version"/> is the <c>A2A-Version</c> header. A streaming
    /// method's answer is its events, one JSON-RPC response each, each to wait <see cref="WordPause"/> after.
    /// </summary>
    public EchoAnswer Answer(string body, string? version)
    {
        JsonNode? id = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            id = root.TryGetProperty("id", out var idElement) ? JsonNode.Parse(idElement.GetRawText()) : null;
            var method = Json.String(root, "method");
            var v1 = version?.StartsWith("1.", StringComparison.Ordinal) == true;
            var taskId = Json.Object(root, "params") is { } parameters ? Json.String(parameters, "id") : null;
            return method switch
            {
                "SendMessage" or "SendStreamingMessage" or "GetTask" or "CancelTask" or "SubscribeToTask" when !v1 =>
                    Single(Error(id, -32009, $"A2A version '{version ?? "0.3"}' is not supported by {method}")),
                "SendMessage" => Single(Result(id, new JsonObject { ["message"] = Echo(root, A2ADialect.V1) })),
                "message/send" => Single(Result(id, Echo(root, A2ADialect.V03))),
                "SendStreamingMessage" => new EchoAnswer(null, StreamEcho(id, root, A2ADialect.V1)),
                "message/stream" => new EchoAnswer(null, StreamEcho(id, root, A2ADialect.V03)),
                "GetTask" or "tasks/get" => Single(GetTask(id, taskId, v1 ? A2ADialect.V1 : A2ADialect.V03)),
                "SubscribeToTask" or "tasks/resubscribe" => Single(Known(taskId)
                    ? Error(id, -32004, "the task is complete: ask for it with GetTask")
                    : Error(id, -32001, "no such task")),
                "CancelTask" or "tasks/cancel" => Single(Known(taskId) ? Error(id, -32002, "an echo is complete at once") : Error(id, -32001, "no such task")),
                _ => Single(Error(id, -32601, $"method '{method}' not found")),
            };
        }
        catch (JsonException)
        {
            return Single(Error(id, -32700, "parse error"));
        }
    }

    private bool Known(string? taskId) => taskId is not null && _tasks.ContainsKey(taskId);

    private JsonObject GetTask(JsonNode? id, string? taskId, A2ADialect dialect) =>
        taskId is not null && _tasks.TryGetValue(taskId, out var task)
            ? Result(id, Wrapped(dialect, "task", Task(dialect, taskId, task.ContextId, "completed", task.Text)))
            : Error(id, -32001, "no such task");

    /// <summary>The task first, in progress; its echo a word at a time; then its end.</summary>
    private List<JsonObject> StreamEcho(JsonNode? id, JsonElement request, A2ADialect dialect)
    {
        var (contextId, reply) = Reply(request);
        var taskId = Guid.NewGuid().ToString("N");
        if (_tasks.Count > MaxTasks)
        {
            _tasks.Clear();
        }

        _tasks[taskId] = (contextId, reply);
        var words = reply.Split(' ');
        var events = new List<JsonObject> { Result(id, Wrapped(dialect, "task", Task(dialect, taskId, contextId, "submitted", null))) };
        for (var i = 0; i < words.Length; i++)
        {
            var update = new JsonObject
            {
                ["taskId"] = taskId,
                ["contextId"] = contextId,
                ["artifact"] = new JsonObject { ["artifactId"] = "echo", ["parts"] = new JsonArray(Part(dialect, i == 0 ? words[i] : " " + words[i])) },
                ["append"] = i > 0,
                ["lastChunk"] = i == words.Length - 1,
            };
            events.Add(Result(id, Wrapped(dialect, "artifact-update", update)));
        }

        var completed = new JsonObject { ["taskId"] = taskId, ["contextId"] = contextId, ["status"] = Status(dialect, "completed") };
        if (dialect == A2ADialect.V03)
        {
            completed["final"] = true;
        }

        events.Add(Result(id, Wrapped(dialect, "status-update", completed)));
        return events;
    }

    private JsonObject Echo(JsonElement request, A2ADialect dialect)
    {
        var (contextId, reply) = Reply(request);
        var message = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString("N"),
            ["contextId"] = contextId,
            ["role"] = dialect == A2ADialect.V1 ? "ROLE_AGENT" : "agent",
            ["parts"] = new JsonArray(Part(dialect, reply)),
        };
        if (dialect == A2ADialect.V03)
        {
            message["kind"] = "message";
        }

        return message;
    }

    /// <summary>The conversation the message belongs to, and its echo, counting the turn.</summary>
    private (string ContextId, string Reply) Reply(JsonElement request)
    {
        var message = Json.Object(request, "params") is { } parameters ? Json.Object(parameters, "message") : null;
        var text = message is { } m ? string.Join("\n", Json.Array(m, "parts").Select(p => Json.String(p, "text")).OfType<string>()) : "";
        var contextId = (message is { } withContext ? Json.String(withContext, "contextId") : null) ?? Guid.NewGuid().ToString("N");
        if (_turns.Count > MaxConversations)
        {
            _turns.Clear();
        }

        var turn = _turns.AddOrUpdate(contextId, 1, (_, previous) => previous + 1);
        return (contextId, $"echo #{turn}: {text}");
    }

    private static JsonObject Task(A2ADialect dialect, string taskId, string contextId, string state, string? text)
    {
        var task = new JsonObject
        {
            ["id"] = taskId,
            ["contextId"] = contextId,
            ["status"] = Status(dialect, state),
            ["artifacts"] = text is null
                ? new JsonArray()
                : new JsonArray(new JsonObject { ["artifactId"] = "echo", ["parts"] = new JsonArray(Part(dialect, text)) }),
        };
        return task;
    }

    private static JsonObject Status(A2ADialect dialect, string state) =>
        new() { ["state"] = dialect == A2ADialect.V1 ? "TASK_STATE_" + state.ToUpperInvariant() : state };

    private static JsonObject Part(A2ADialect dialect, string text) =>
        dialect == A2ADialect.V1 ? new JsonObject { ["text"] = text } : new JsonObject { ["kind"] = "text", ["text"] = text };

    /// <summary>v1.0 wraps a result in a field named for its kind; v0.3 says the kind inside it.</summary>
    private static JsonObject Wrapped(A2ADialect dialect, string kind, JsonObject result)
    {
        if (dialect == A2ADialect.V03)
        {
            result["kind"] = kind;
            return result;
        }

        var field = kind switch
        {
            "artifact-update" => "artifactUpdate",
            "status-update" => "statusUpdate",
            _ => kind,
        };
        return new JsonObject { [field] = result };
    }

    private static JsonObject Interface(Uri endpoint, string version) => new()
    {
        ["url"] = endpoint.AbsoluteUri,
        ["protocolBinding"] = "JSONRPC",
        ["protocolVersion"] = version,
    };

    private static EchoAnswer Single(JsonObject response) => new(response, null);

    private static JsonObject Result(JsonNode? id, JsonNode result) => new() { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = result };

    private static JsonObject Error(JsonNode? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id?.DeepClone(),
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}

/// <summary>The echo agent's answer to one request: one response, or the events of a stream.</summary>
public sealed record EchoAnswer(JsonObject? Response, IReadOnlyList<JsonObject>? Events);
