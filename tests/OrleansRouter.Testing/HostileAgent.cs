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

/// <summary>How the hostile agent answers one JSON-RPC call.</summary>
public abstract record HostileReply
{
    /// <summary>A well-formed v1.0 Message result saying "reply: text".</summary>
    public sealed record Normal : HostileReply;

    /// <summary>A well-formed Message result whose text is <paramref name="Chars"/> characters long.</summary>
    public sealed record Lengthy(int Chars) : HostileReply;

    /// <summary>An HTTP redirect (307 keeps the method and the body) to <paramref name="Target"/>.</summary>
    public sealed record Redirect(Uri Target, int Status = 307) : HostileReply;

    /// <summary>A 200 whose JSON stops half way and the response ends cleanly, as a proxy that cut it gives.</summary>
    public sealed record CutJson : HostileReply;

    /// <summary>A 200 that promises a Content-Length, sends half, and drops the connection.</summary>
    public sealed record DroppedConnection : HostileReply;

    /// <summary>A 200 with an HTML error page.</summary>
    public sealed record Garbage : HostileReply;

    /// <summary>A 200 whose result nests <paramref name="Depth"/> arrays deep.</summary>
    public sealed record Deep(int Depth) : HostileReply;

    /// <summary>A well-formed answer sent one byte every <paramref name="Every"/>.</summary>
    public sealed record Drip(TimeSpan Every) : HostileReply;

    /// <summary>A task that stays "working" for ever, for the send and every poll.</summary>
    public sealed record NeverFinal : HostileReply;
}

/// <summary>
/// An A2A v1.0 "agent" on loopback that misbehaves on purpose, for the tests that play the attacker. It records
/// every request it receives (so a test can prove a credential or a user's text never reached it), serves a card
/// that may point elsewhere, redirect, or demand the credential, and answers calls the way <see cref="ReplyFor"/> says.
/// </summary>
public sealed class HostileAgent : IAsyncDisposable
{
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

    public IReadOnlyList<ReceivedRequest> Received
    {
        get { lock (_gate) { return _received.ToArray(); } }
    }

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

        if (path.StartsWith("/.well-known/", StringComparison.Ordinal))
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
        var text = string.Join("\n", (request["params"]?["message"]?["parts"] as JsonArray ?? []).Select(p => p?["text"]?.GetValue<string>()));
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
            ["version"] = "1.0.0",
            ["supportedInterfaces"] = new JsonArray(new JsonObject
            {
                ["url"] = (CardEndpoint ?? Endpoint).AbsoluteUri,
                ["protocolBinding"] = "JSONRPC",
                ["protocolVersion"] = "1.0",
            }),
        };
        await WriteJsonAsync(context, card.ToJsonString());
    }

    private static async Task AnswerAsync(HttpContext context, JsonNode? id, string text, HostileReply reply)
    {
        switch (reply)
        {
            case HostileReply.Normal:
                await WriteJsonAsync(context, Result(id, Message($"reply: {text}")));
                break;
            case HostileReply.Lengthy(var chars):
                await WriteJsonAsync(context, Result(id, Message(new string('x', chars))));
                break;
            case HostileReply.Redirect(var target, var status):
                context.Response.StatusCode = status;
                context.Response.Headers.Location = target.AbsoluteUri;
                break;
            case HostileReply.CutJson:
                var whole = Result(id, Message($"reply: {text}"));
                await WriteJsonAsync(context, whole[..(whole.Length / 2)]);
                break;
            case HostileReply.DroppedConnection:
                var bytes = Encoding.UTF8.GetBytes(Result(id, Message($"reply: {text}")));
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
            case HostileReply.Deep(var depth):
                var deep = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":").Append(id?.ToJsonString() ?? "null").Append(",\"result\":")
                    .Append('[', depth).Append(']', depth).Append('}').ToString();
                await WriteJsonAsync(context, deep);
                break;
            case HostileReply.Drip(var every):
                context.Response.ContentType = "application/json";
                foreach (var b in Encoding.UTF8.GetBytes(Result(id, Message($"reply: {text}"))))
                {
                    await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(every, context.RequestAborted);
                }

                break;
            case HostileReply.NeverFinal:
                await WriteJsonAsync(context, Result(id, new JsonObject
                {
                    ["task"] = new JsonObject
                    {
                        ["id"] = "forever",
                        ["contextId"] = "c",
                        ["status"] = new JsonObject { ["state"] = "TASK_STATE_WORKING" },
                    },
                }));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(reply));
        }
    }

    private static JsonObject Message(string text) => new()
    {
        ["message"] = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString("N"),
            ["contextId"] = "c",
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
