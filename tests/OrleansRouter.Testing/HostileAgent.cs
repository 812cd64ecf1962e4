using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRouter.Testing;

/// <summary>One HTTP request the hostile agent received: card fetch or call, with every header and the body.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The <c>messageId</c> of a send, when the body is one.</summary>
    public string? MessageId => (JsonNode.Parse(Body.Length == 0 ? "{}" : Body)?["params"]?["message"]?["messageId"])?.GetValue<string>();
}

/// <summary>
/// An A2A v1.0 "agent" on loopback that misbehaves on purpose, for the tests that play the attacker. It records
/// every request it receives (so a test can prove a credential or a user's text never reached it), serves a card
/// that may point elsewhere, redirect, or demand the credential, and answers calls the way <see cref="ReplyFor"/> says.
/// <see cref="AgentMisbehaviours.Misbehave"/> sets it up as one of the corpus's <see cref="AgentMisbehaviour"/>s.
/// </summary>
public sealed class HostileAgent : IAsyncDisposable
{
    private const string CardPrefix = "/.well-known/";

    private readonly Lock _gate = new();
    private readonly List<ReceivedRequest> _received = [];
    private WebApplication? _app;
    private int _calls;

    private HostileAgent()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where its own JSON-RPC endpoint is.</summary>
    public Uri Endpoint => new(BaseUrl, "/rpc");

    /// <summary>When set, the card names this endpoint instead of its own.</summary>
    public Uri? CardEndpoint { get; set; }

    /// <summary>When set, the card path answers a 302 to this URL.</summary>
    public Uri? CardRedirect { get; set; }

    /// <summary>When set, the card is served only to requests with this header value; others get 401.</summary>
    public (string Header, string Value)? CardCredential { get; set; }

    /// <summary>How the n-th call (1-based) is answered; <see cref="HostileReply.Normal"/> when null.</summary>
    public Func<int, HostileReply>? ReplyFor { get; set; }

    /// <summary>
    /// What an answer starts with, before the user's text. <see cref="A2ATestAgent"/> says "reply: " too; a test that
    /// must tell this agent's answers from a good agent's gives it another.
    /// </summary>
    public string ReplyPrefix { get; set; } = "reply: ";

    public IReadOnlyList<ReceivedRequest> Received
    {
        get { lock (_gate) { return _received.ToArray(); } }
    }

    public IReadOnlyList<ReceivedRequest> CardRequests => Received.Where(r => r.Path.StartsWith(CardPrefix, StringComparison.Ordinal)).ToArray();

    public IReadOnlyList<ReceivedRequest> Calls => Received.Where(r => r.Path == "/rpc").ToArray();

    public static async Task<HostileAgent> StartAsync()
    {
        var agent = new HostileAgent();
        (agent._app, agent.BaseUrl) = await LoopbackServer.StartAsync(app => app.Run(agent.HandleAsync));
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        lock (_gate)
        {
            _received.Add(new ReceivedRequest(
                context.Request.Method,
                path,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
        }

        if (path.StartsWith(CardPrefix, StringComparison.Ordinal))
        {
            await ServeCardAsync(context, path);
            return;
        }

        if (path != "/rpc" || context.Request.Method != "POST")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var request = JsonNode.Parse(body.Length == 0 ? "{}" : body) as JsonObject ?? [];
        var text = string.Join("\n", (request["params"]?["message"]?["parts"] as JsonArray ?? []).Select(p => p?["text"]?.GetValue<string>()).OfType<string>());
        var reply = ReplyFor?.Invoke(Interlocked.Increment(ref _calls)) ?? new HostileReply.Normal();
        await AnswerAsync(context, request["id"]?.DeepClone(), text, reply);
    }

    private async Task ServeCardAsync(HttpContext context, string path)
    {
        if (path != "/.well-known/agent-card.json")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (CardRedirect is { } target)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = target.AbsoluteUri;
            return;
        }

        if (CardCredential is { } credential && context.Request.Headers[credential.Header].ToString() != credential.Value)
        {
            context.Response.StatusCode = 401;
            return;
        }

        var card = new JsonObject
        {
            ["name"] = "Hostile agent",
            ["description"] = "An agent that misbehaves, inside a test.",
            ["version"] = "1.0.0",
            ["capabilities"] = new JsonObject(),
            ["defaultInputModes"] = new JsonArray("text/plain"),
            ["defaultOutputModes"] = new JsonArray("text/plain"),
            ["skills"] = new JsonArray(new JsonObject { ["id"] = "test", ["name"] = "Test", ["description"] = "Tests.", ["tags"] = new JsonArray("test") }),
            ["supportedInterfaces"] = new JsonArray(new JsonObject
            {
                ["url"] = (CardEndpoint ?? Endpoint).AbsoluteUri,
                ["protocolBinding"] = "JSONRPC",
                ["protocolVersion"] = "1.0",
            }),
        };
        await WriteJsonAsync(context, card.ToJsonString());
    }

    private async Task AnswerAsync(HttpContext context, JsonNode? id, string text, HostileReply reply)
    {
        var answer = ReplyPrefix + text;
        switch (reply)
        {
            case HostileReply.Normal:
                await WriteJsonAsync(context, Result(id, Message(answer)));
                break;
            case HostileReply.Lengthy(var chars):
                await WriteJsonAsync(context, Result(id, Message(new string('x', chars))));
                break;
            case HostileReply.Wordy(var chars):
                await WriteJsonAsync(context, Result(id, Message(answer + " " + Words(chars))));
                break;
            case HostileReply.Redirect(var target, var status):
                context.Response.StatusCode = status;
                context.Response.Headers.Location = target.AbsoluteUri;
                break;
            case HostileReply.CutJson:
                var whole = Result(id, Message(answer));
                await WriteJsonAsync(context, whole[..(whole.Length / 2)]);
                break;
            case HostileReply.DroppedConnection:
                var bytes = Encoding.UTF8.GetBytes(Result(id, Message(answer)));
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = bytes.Length;
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await context.Response.Body.FlushAsync();
                context.Abort();
                break;
            case HostileReply.Garbage:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>502 Bad Gateway</h1></body></html>");
                break;
            case HostileReply.RandomBytes(var count):
                var garbage = new byte[count];
                new Random(text.Length).NextBytes(garbage);
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(garbage, context.RequestAborted);
                break;
            case HostileReply.Deep(var depth):
                var deep = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":").Append(id?.ToJsonString() ?? "null").Append(",\"result\":")
                    .Append('[', depth).Append(']', depth).Append('}').ToString();
                await WriteJsonAsync(context, deep);
                break;
            case HostileReply.Drip(var every):
                await DripAsync(context, Encoding.UTF8.GetBytes(Result(id, Message(answer))), every);
                break;
            case HostileReply.NeverFinal:
                await WriteJsonAsync(context, Result(id, new JsonObject
                {
                    ["task"] = new JsonObject
                    {
                        ["id"] = "task-that-never-ends",
                        ["contextId"] = "context-of-a-task-that-never-ends",
                        ["status"] = new JsonObject { ["state"] = "TASK_STATE_WORKING" },
                    },
                }));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(reply));
        }
    }

    private static async Task DripAsync(HttpContext context, byte[] answer, TimeSpan every)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        try
        {
            foreach (var b in answer)
            {
                await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(every, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client gave up on the drip, as it should.
        }
    }

    private static string Words(int chars)
    {
        const string Line = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n";
        var words = new StringBuilder(chars + Line.Length);
        while (words.Length < chars)
        {
            words.Append(Line);
        }

        return words.ToString(0, chars);
    }

    private static JsonObject Message(string text) => new()
    {
        ["message"] = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString("N"),
            ["contextId"] = "hostile-context",
            ["role"] = "ROLE_AGENT",
            ["parts"] = new JsonArray(new JsonObject { ["text"] = text }),
        },
    };

    private static string Result(JsonNode? id, JsonObject result) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result }.ToJsonString();

    private static async Task WriteJsonAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}
