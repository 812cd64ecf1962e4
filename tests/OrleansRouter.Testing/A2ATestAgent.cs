using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRouter.Testing;

/// <summary>One JSON-RPC call the agent received.</summary>
public sealed record AgentCall(string Method, string? Version, string? Authorization, IReadOnlyDictionary<string, string> Headers, JsonObject Body)
{
    public JsonObject? Message => Body["params"]?["message"] as JsonObject;

    public string Text => string.Join("\n", (Message?["parts"] as JsonArray ?? []).Select(p => p?["text"]?.GetValue<string>()).OfType<string>());

    public string? MessageId => Message?["messageId"]?.GetValue<string>();

    public string? ContextId => Message?["contextId"]?.GetValue<string>();

    public string? TaskId => Message?["taskId"]?.GetValue<string>();
}

/// <summary>How the test agent answers one call.</summary>
public abstract record AgentAnswer
{
    /// <summary>A JSON-RPC result, as given.</summary>
    public sealed record Result(JsonNode Value) : AgentAnswer;

    public sealed record RpcError(int Code, string Message) : AgentAnswer;

    /// <summary>A bare HTTP status with a non-JSON body.</summary>
    public sealed record Status(int Code) : AgentAnswer;

    /// <summary>Answers after <paramref name="Delay"/> with <paramref name="Then"/>.</summary>
    public sealed record Slow(TimeSpan Delay, AgentAnswer Then) : AgentAnswer;
}

/// <summary>Where the test agent serves its card, and in which protocol version.</summary>
public enum CardLocation
{
    AgentCardJson,
    LegacyAgentJson,
    None,
}

/// <summary>
/// An A2A agent for tests, written from the specification with hand-made JSON. It speaks one dialect ("1.0" or
/// "0.3"): a call in the other gets JSON-RPC -32601, as a server that does not know the method answers. By default
/// it answers every message with a Message saying "reply: text"; a test can answer each call its own way.
/// </summary>
public sealed class A2ATestAgent : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<AgentCall> _calls = [];
    private WebApplication? _app;

    private A2ATestAgent(string version, CardLocation card)
    {
        Version = version;
        Card = card;
    }

    public string Version { get; }

    public CardLocation Card { get; }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where JSON-RPC calls go; the card names it.</summary>
    public Uri Endpoint => new(BaseUrl, "/rpc");

    /// <summary>When set, calls without this exact header value are refused with HTTP 401.</summary>
    public (string Header, string Value)? RequiredCredential { get; set; }

    public Func<AgentCall, AgentAnswer>? Answer { get; set; }

    /// <summary>While set, the agent is "down": its card and its endpoint answer 503.</summary>
    public bool Unavailable { get; set; }

    public IReadOnlyList<AgentCall> Calls
    {
        get { lock (_gate) { return _calls.ToArray(); } }
    }

    public static async Task<A2ATestAgent> StartAsync(string version = "1.0", CardLocation card = CardLocation.AgentCardJson)
    {
        var agent = new A2ATestAgent(version, card);
        (agent._app, agent.BaseUrl) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/.well-known/{file}", agent.ServeCard);
            app.MapPost("/rpc", (Func<HttpContext, Task<IResult>>)agent.HandleAsync);
        });
        return agent;
    }

    /// <summary>A direct Message result in this agent's dialect.</summary>
    public JsonNode MessageResult(string text, string contextId) => Version == "1.0"
        ? new JsonObject { ["message"] = Message(text, contextId, null) }
        : Message(text, contextId, null);

    /// <summary>A Task result in this agent's dialect; <paramref name="state"/> is the v0.3 spelling, e.g. "input-required".</summary>
    public JsonNode TaskResult(string taskId, string contextId, string state, string? statusText = null, params string[] artifacts)
    {
        var v1 = Version == "1.0";
        var status = new JsonObject { ["state"] = v1 ? "TASK_STATE_" + state.Replace('-', '_').ToUpperInvariant() : state };
        if (statusText is not null)
        {
            status["message"] = Message(statusText, contextId, taskId);
        }

        var task = new JsonObject
        {
            ["id"] = taskId,
            ["contextId"] = contextId,
            ["status"] = status,
            ["artifacts"] = new JsonArray(artifacts.Select((text, i) => (JsonNode)new JsonObject
            {
                ["artifactId"] = $"artifact-{i}",
                ["parts"] = new JsonArray(Part(text)),
            }).ToArray()),
        };
        if (!v1)
        {
            task["kind"] = "task";
        }

        return v1 ? new JsonObject { ["task"] = task } : task;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private IResult ServeCard(string file, HttpRequest request)
    {
        if (Unavailable)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var served = Card switch
        {
            CardLocation.AgentCardJson => "agent-card.json",
            CardLocation.LegacyAgentJson => "agent.json",
            _ => null,
        };
        if (file != served)
        {
            return Results.NotFound();
        }

        var card = new JsonObject
        {
            ["name"] = "Test agent",
            ["description"] = "An agent inside a test.",
            ["version"] = "1.0.0",
            ["capabilities"] = new JsonObject(),
            ["defaultInputModes"] = new JsonArray("text/plain"),
            ["defaultOutputModes"] = new JsonArray("text/plain"),
            ["skills"] = new JsonArray(new JsonObject { ["id"] = "test", ["name"] = "Test", ["description"] = "Tests.", ["tags"] = new JsonArray("test") }),
        };
        if (Version == "1.0")
        {
            card["supportedInterfaces"] = new JsonArray(new JsonObject
            {
                ["url"] = Endpoint.AbsoluteUri,
                ["protocolBinding"] = "JSONRPC",
                ["protocolVersion"] = "1.0",
            });
        }
        else
        {
            card["url"] = Endpoint.AbsoluteUri;
            card["protocolVersion"] = "0.3.0";
            card["preferredTransport"] = "JSONRPC";
        }

        return Results.Content(card.ToJsonString(), "application/json");
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        if (Unavailable)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        var call = new AgentCall(
            body["method"]?.GetValue<string>() ?? "",
            context.Request.Headers["A2A-Version"].FirstOrDefault(),
            context.Request.Headers.Authorization.FirstOrDefault(),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        lock (_gate)
        {
            _calls.Add(call);
        }

        if (RequiredCredential is { } credential && context.Request.Headers[credential.Header].FirstOrDefault() != credential.Value)
        {
            return Results.StatusCode(401);
        }

        var id = body["id"]?.DeepClone();
        var sendMethod = Version == "1.0" ? "SendMessage" : "message/send";
        var getMethod = Version == "1.0" ? "GetTask" : "tasks/get";
        if (call.Method != sendMethod && call.Method != getMethod)
        {
            return await RespondAsync(id, new AgentAnswer.RpcError(-32601, $"Method not found: {call.Method}"), context.RequestAborted);
        }

        var answer = Answer?.Invoke(call) ?? new AgentAnswer.Result(MessageResult($"reply: {call.Text}", call.ContextId ?? Guid.NewGuid().ToString("N")));
        return await RespondAsync(id, answer, context.RequestAborted);
    }

    private static async Task<IResult> RespondAsync(JsonNode? id, AgentAnswer answer, CancellationToken aborted)
    {
        switch (answer)
        {
            case AgentAnswer.Slow slow:
                await Task.Delay(slow.Delay, aborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return await RespondAsync(id, slow.Then, aborted);
            case AgentAnswer.Status status:
                return Results.Content("<html>unavailable</html>", "text/html", statusCode: status.Code);
            case AgentAnswer.RpcError error:
                return Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message } });
            case AgentAnswer.Result result:
                return Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result.Value.DeepClone() });
            default:
                throw new ArgumentOutOfRangeException(nameof(answer));
        }
    }

    private JsonObject Message(string text, string contextId, string? taskId)
    {
        var message = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString("N"),
            ["contextId"] = contextId,
            ["role"] = Version == "1.0" ? "ROLE_AGENT" : "agent",
            ["parts"] = new JsonArray(Part(text)),
        };
        if (taskId is not null)
        {
            message["taskId"] = taskId;
        }

        if (Version != "1.0")
        {
            message["kind"] = "message";
        }

        return message;
    }

    private JsonObject Part(string text) =>
        Version == "1.0" ? new JsonObject { ["text"] = text } : new JsonObject { ["kind"] = "text", ["text"] = text };

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");
}
