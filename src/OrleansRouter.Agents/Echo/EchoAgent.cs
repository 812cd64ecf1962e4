using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Agents.A2A;

namespace OrleansRouter.Agents.Echo;

/// <summary>
/// A real A2A agent over HTTP that answers every message with "echo #N: text", N counting the turns of its
/// conversation (<c>contextId</c>), so <c>/reset</c> is visible. Speaks v1.0 and v0.3 on the same endpoint;
/// the local environment routes to it, so it runs with no outside service.
/// </summary>
public sealed class EchoAgent
{
    private const int MaxConversations = 100_000;

    private readonly ConcurrentDictionary<string, int> _turns = new();

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
        ["capabilities"] = new JsonObject { ["streaming"] = false },
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

    /// <summary>Answers one JSON-RPC request body; <paramref name="version"/> is the <c>A2A-Version</c> header.</summary>
    public JsonObject Answer(string body, string? version)
    {
        JsonNode? id = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            id = root.TryGetProperty("id", out var idElement) ? JsonNode.Parse(idElement.GetRawText()) : null;
            var method = Json.String(root, "method");
            return method switch
            {
                "SendMessage" when version?.StartsWith("1.", StringComparison.Ordinal) != true =>
                    Error(id, -32009, $"A2A version '{version ?? "0.3"}' is not supported by SendMessage"),
                "SendMessage" => Result(id, new JsonObject { ["message"] = Echo(root, A2ADialect.V1) }),
                "message/send" => Result(id, Echo(root, A2ADialect.V03)),
                "GetTask" or "tasks/get" => Error(id, -32001, "the echo agent keeps no tasks"),
                _ => Error(id, -32601, $"method '{method}' not found"),
            };
        }
        catch (JsonException)
        {
            return Error(id, -32700, "parse error");
        }
    }

    private JsonObject Echo(JsonElement request, A2ADialect dialect)
    {
        var message = Json.Object(request, "params") is { } parameters ? Json.Object(parameters, "message") : null;
        var text = message is { } m ? string.Join("\n", Json.Array(m, "parts").Select(p => Json.String(p, "text")).OfType<string>()) : "";
        var contextId = (message is { } withContext ? Json.String(withContext, "contextId") : null) ?? Guid.NewGuid().ToString("N");
        if (_turns.Count > MaxConversations)
        {
            _turns.Clear();
        }

        var turn = _turns.AddOrUpdate(contextId, 1, (_, previous) => previous + 1);
        var reply = $"echo #{turn}: {text}";
        return dialect == A2ADialect.V1
            ? new JsonObject
            {
                ["messageId"] = Guid.NewGuid().ToString("N"),
                ["contextId"] = contextId,
                ["role"] = "ROLE_AGENT",
                ["parts"] = new JsonArray(new JsonObject { ["text"] = reply }),
            }
            : new JsonObject
            {
                ["kind"] = "message",
                ["messageId"] = Guid.NewGuid().ToString("N"),
                ["contextId"] = contextId,
                ["role"] = "agent",
                ["parts"] = new JsonArray(new JsonObject { ["kind"] = "text", ["text"] = reply }),
            };
    }

    private static JsonObject Interface(Uri endpoint, string version) => new()
    {
        ["url"] = endpoint.AbsoluteUri,
        ["protocolBinding"] = "JSONRPC",
        ["protocolVersion"] = version,
    };

    private static JsonObject Result(JsonNode? id, JsonNode result) => new() { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };

    private static JsonObject Error(JsonNode? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
