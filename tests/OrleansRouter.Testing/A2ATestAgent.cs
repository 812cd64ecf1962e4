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

/// <summary>A push notification the test agent sent: for which task, when, what the router answered, and how many calls it had taken by then.</summary>
public sealed record PushSent(string TaskId, DateTimeOffset At, int Status, int CallsBefore);

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
    private readonly Dictionary<string, ScriptedTask> _tasks = [];
    private readonly List<PushSent> _pushes = [];
    private readonly HttpClient _notifier = new();
    private int _openStreams;
    private readonly A2AWire _wire;
    private WebApplication? _app;

    private A2ATestAgent(string version, CardLocation card)
    {
        Version = version;
        Card = card;
        _wire = new A2AWire(version);
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

    /// <summary>The card says <c>capabilities.streaming</c>, and the streaming methods answer.</summary>
    public bool Streams { get; set; }

    /// <summary>
    /// The steps of the task a streamed message starts; by default "reply: text" a word at a time, 20 ms apart,
    /// then completed.
    /// </summary>
    public Func<AgentCall, IReadOnlyList<TaskStep>>? Steps { get; set; }

    /// <summary>After how many events a stream (a send's or a resubscription's) is closed, the task still running; null lets it run.</summary>
    public Func<AgentCall, int?>? CutStreamAfter { get; set; }

    /// <summary>The card says <c>capabilities.pushNotifications</c>: a streamed message's push config is kept with its task.</summary>
    public bool Pushes { get; set; }

    /// <summary>A task with a push config notifies it when it ends (input-required and auth-required too).</summary>
    public bool NotifiesWhenOver { get; set; }

    /// <summary>How many of its event streams are open right now.</summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    /// <summary>The push notifications sent, in order.</summary>
    public IReadOnlyList<PushSent> PushesSent
    {
        get { lock (_gate) { return _pushes.ToArray(); } }
    }

    /// <summary>The card's <c>defaultInputModes</c>.</summary>
    public string[] InputModes { get; set; } = ["text/plain"];

    /// <summary>While set, resubscribing is refused as for a task that is over, so the client has to poll.</summary>
    public bool RefusesResubscribe { get; set; }

    /// <summary>The tasks streamed messages started, by id.</summary>
    public IReadOnlyDictionary<string, ScriptedTask> Tasks
    {
        get { lock (_gate) { return new Dictionary<string, ScriptedTask>(_tasks); } }
    }

    /// <summary>The default task: "reply: text" a word at a time, then completed.</summary>
    public static IReadOnlyList<TaskStep> WordByWord(string reply, TimeSpan apart)
    {
        var words = reply.Split(' ');
        return [.. words.Select((w, i) => (TaskStep)new TaskStep.Chunk(i == 0 ? w : " " + w, apart, LastChunk: i == words.Length - 1)),
            new TaskStep.Status("completed", TimeSpan.Zero)];
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
    public JsonNode MessageResult(string text, string contextId) => _wire.IsV1
        ? new JsonObject { ["message"] = _wire.Message(text, contextId, null) }
        : _wire.Message(text, contextId, null);

    /// <summary>A Task result in this agent's dialect; <paramref name="state"/> is the v0.3 spelling, e.g. "input-required".</summary>
    public JsonNode TaskResult(string taskId, string contextId, string state, string? statusText = null, params string[] artifacts) =>
        _wire.Task(taskId, contextId, state, statusText, [.. artifacts.Select((text, i) => ($"artifact-{i}", text))]);

    /// <summary>
    /// Posts the task's push notification to the address its message registered: the task as it is now (v1.0 a
    /// StreamResponse, v0.3 the Task), with the registered token, or <paramref name="token"/> instead. The status answered.
    /// </summary>
    public async Task<int> NotifyAsync(ScriptedTask task, string? token = null)
    {
        var (url, registered) = task.Push ?? throw new InvalidOperationException("the task has no push config");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(task.Snapshot().ToJsonString(), System.Text.Encoding.UTF8, _wire.IsV1 ? "application/a2a+json" : "application/json"),
        };
        request.Headers.Add("X-A2A-Notification-Token", token ?? registered);
        var (callsBefore, at) = (Calls.Count, DateTimeOffset.UtcNow);
        using var response = await _notifier.SendAsync(request);
        lock (_gate)
        {
            _pushes.Add(new PushSent(task.Id, at, (int)response.StatusCode, callsBefore));
        }

        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        _notifier.Dispose();
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
            ["capabilities"] = new JsonObject { ["streaming"] = Streams, ["pushNotifications"] = Pushes },
            ["defaultInputModes"] = new JsonArray([.. InputModes.Select(m => (JsonNode)m)]),
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
        var v1 = Version == "1.0";
        var taskId = body["params"]?["id"]?.GetValue<string>();
        switch (call.Method)
        {
            case "SendStreamingMessage" or "message/stream" when Streams && call.Method == (v1 ? "SendStreamingMessage" : "message/stream"):
                return await StreamNewTaskAsync(context, id, call);
            case "SubscribeToTask" or "tasks/resubscribe" when Streams && call.Method == (v1 ? "SubscribeToTask" : "tasks/resubscribe"):
                return await ResubscribeAsync(context, id, call, taskId);
            case "CancelTask" or "tasks/cancel" when call.Method == (v1 ? "CancelTask" : "tasks/cancel"):
                return await RespondAsync(id, CancelTask(taskId), context.RequestAborted);
            case "GetTask" or "tasks/get" when call.Method == (v1 ? "GetTask" : "tasks/get") && taskId is not null && Tasks.TryGetValue(taskId, out var known):
                return await RespondAsync(id, new AgentAnswer.Result(known.Snapshot()), context.RequestAborted);
            case "SendMessage" or "GetTask" when v1:
            case "message/send" or "tasks/get" when !v1:
                var answer = Answer?.Invoke(call) ?? new AgentAnswer.Result(MessageResult($"reply: {call.Text}", call.ContextId ?? Guid.NewGuid().ToString("N")));
                return await RespondAsync(id, answer, context.RequestAborted);
            default:
                return await RespondAsync(id, new AgentAnswer.RpcError(-32601, $"Method not found: {call.Method}"), context.RequestAborted);
        }
    }

    /// <summary>Starts a task for the message and streams it: a snapshot of the new task first, then its events.</summary>
    private async Task<IResult> StreamNewTaskAsync(HttpContext context, JsonNode? id, AgentCall call)
    {
        var task = new ScriptedTask(_wire, call.TaskId ?? Guid.NewGuid().ToString("N"), call.ContextId ?? Guid.NewGuid().ToString("N"), call.Text);
        lock (_gate)
        {
            _tasks[task.Id] = task;
        }

        if (Pushes && call.Body["params"]?["configuration"]?[_wire.IsV1 ? "taskPushNotificationConfig" : "pushNotificationConfig"] is JsonObject push
            && Uri.TryCreate(push["url"]?.GetValue<string>(), UriKind.Absolute, out var url))
        {
            task.Push = (url, push["token"]?.GetValue<string>() ?? "");
            if (NotifiesWhenOver)
            {
                _ = NotifyWhenOverAsync(task);
            }
        }

        var snapshot = task.Snapshot();
        task.Start(Steps?.Invoke(call) ?? WordByWord($"reply: {call.Text}", TimeSpan.FromMilliseconds(20)));
        await WriteEventsAsync(context, id, call, [snapshot], task, from: 0);
        return Results.Empty;
    }

    /// <summary>
    /// v1.0 resubscribes with a snapshot first, as the specification asks; v0.3 goes on with the events from now
    /// on, as its reference server does. A task that is over cannot be subscribed to.
    /// </summary>
    private async Task<IResult> ResubscribeAsync(HttpContext context, JsonNode? id, AgentCall call, string? taskId)
    {
        if (taskId is null || !Tasks.TryGetValue(taskId, out var task))
        {
            return await RespondAsync(id, new AgentAnswer.RpcError(-32001, "Task not found"), context.RequestAborted);
        }

        if (task.EndsStream || RefusesResubscribe)
        {
            return await RespondAsync(id, Version == "1.0"
                ? new AgentAnswer.RpcError(-32004, "The task is in a terminal state")
                : new AgentAnswer.RpcError(-32602, "The task is in a terminal state"), context.RequestAborted);
        }

        var from = task.EventCount;
        await WriteEventsAsync(context, id, call, Version == "1.0" ? [task.Snapshot()] : [], task, from);
        return Results.Empty;
    }

    private async Task NotifyWhenOverAsync(ScriptedTask task)
    {
        await foreach (var _ in task.FollowAsync(0, CancellationToken.None))
        {
        }

        await NotifyAsync(task);
    }

    private AgentAnswer CancelTask(string? taskId)
    {
        if (taskId is null || !Tasks.TryGetValue(taskId, out var task))
        {
            return new AgentAnswer.RpcError(-32001, "Task not found");
        }

        return task.Cancel() ? new AgentAnswer.Result(task.Snapshot()) : new AgentAnswer.RpcError(-32002, "Task cannot be canceled");
    }

    /// <summary>Writes each result as one server-sent event; ends the stream early where <see cref="CutStreamAfter"/> says.</summary>
    private async Task WriteEventsAsync(HttpContext context, JsonNode? id, AgentCall call, JsonObject[] first, ScriptedTask task, int from)
    {
        var cutAfter = CutStreamAfter?.Invoke(call);
        context.Response.ContentType = "text/event-stream";
        Interlocked.Increment(ref _openStreams);
        var written = 0;
        async Task<bool> WriteAsync(JsonObject result)
        {
            // Closed cleanly rather than reset: a reset may lose what was written before it, and the test means the
            // events up to the cut to arrive.
            if (written == cutAfter)
            {
                return false;
            }

            var envelope = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = result.DeepClone() };
            await context.Response.WriteAsync($"data: {envelope.ToJsonString()}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);

            // The cut comes right after the last event written, not when the next one would be due.
            return ++written != cutAfter;
        }

        try
        {
            foreach (var result in first)
            {
                if (!await WriteAsync(result))
                {
                    return;
                }
            }

            await foreach (var result in task.FollowAsync(from, context.RequestAborted))
            {
                if (!await WriteAsync(result))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _openStreams);
        }
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

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");
}
