using System.Text.Json.Nodes;

namespace OrleansRouter.Testing;

/// <summary>One step of a task the streaming test agent works through, after waiting <see cref="After"/>.</summary>
public abstract record TaskStep(TimeSpan After)
{
    /// <summary>Part of an artifact: added to it (<paramref name="Append"/>), or replacing it.</summary>
    public sealed record Chunk(string Text, TimeSpan After, string ArtifactId = "artifact-0", bool Append = true, bool LastChunk = false)
        : TaskStep(After);

    /// <summary>The task moves to <paramref name="State"/> (the v0.3 spelling, e.g. "input-required"), saying <paramref name="Text"/>.</summary>
    public sealed record Status(string State, TimeSpan After, string? Text = null) : TaskStep(After);

    /// <summary>The task goes on with its next step once <paramref name="Until"/> is done: a test's say-so.</summary>
    public sealed record Hold(Task Until) : TaskStep(TimeSpan.Zero);
}

/// <summary>
/// A task of the streaming test agent. It runs on its own, whoever watches: its steps go out at their times to
/// every open stream, and a stream that is cut or resubscribed changes nothing about the task, as with a real agent.
/// </summary>
public sealed class ScriptedTask
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _events = [];
    private readonly List<DateTimeOffset> _chunkTimes = [];
    private readonly A2AWire _wire;
    private readonly Dictionary<string, string> _artifacts = [];
    private readonly List<string> _artifactOrder = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ScriptedTask(A2AWire wire, string id, string contextId, string request)
    {
        _wire = wire;
        Id = id;
        ContextId = contextId;
        Request = request;
    }

    /// <summary>The text of the user's message that started the task.</summary>
    public string Request { get; }

    /// <summary>When each artifact chunk went out, in order.</summary>
    public IReadOnlyList<DateTimeOffset> ChunkTimes
    {
        get { lock (_gate) { return _chunkTimes.ToArray(); } }
    }

    public string Id { get; }

    /// <summary>Where and with which token the task's push notifications go, when its message registered them.</summary>
    public (Uri Url, string Token)? Push { get; internal set; }

    public string ContextId { get; }

    /// <summary>The v0.3 spelling of the task's state.</summary>
    public string State { get; private set; } = "submitted";

    public string? StatusText { get; private set; }

    /// <summary>In a final state: completed, failed, canceled or rejected.</summary>
    public bool IsOver => State is "completed" or "failed" or "canceled" or "rejected";

    /// <summary>The stream closes after this state: a final one, or one that waits for the user.</summary>
    public bool EndsStream => IsOver || State is "input-required" or "auth-required";

    /// <summary>The task's results so far, in the order it produced them.</summary>
    public IReadOnlyList<JsonObject> Events
    {
        get { lock (_gate) { return _events.ToArray(); } }
    }

    /// <summary>Runs <paramref name="steps"/> in the background, each after its pause.</summary>
    internal void Start(IReadOnlyList<TaskStep> steps) => _ = RunAsync(steps);

    /// <summary>A snapshot of the task as it is now, in the agent's dialect.</summary>
    public JsonObject Snapshot()
    {
        lock (_gate)
        {
            return _wire.Task(Id, ContextId, State, StatusText, _artifactOrder.Select(a => (a, _artifacts[a])).ToList());
        }
    }

    /// <summary>The task's events from <paramref name="from"/> on, as they come, until it ends the stream.</summary>
    public async IAsyncEnumerable<JsonObject> FollowAsync(int from, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = from;
        while (true)
        {
            Task changed;
            JsonObject[] fresh;
            bool ended;
            lock (_gate)
            {
                fresh = _events.Skip(next).ToArray();
                next = _events.Count;
                ended = EndsStream;
                changed = _changed.Task;
            }

            foreach (var item in fresh)
            {
                yield return item;
            }

            if (ended)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>How many events the task has produced so far.</summary>
    public int EventCount
    {
        get { lock (_gate) { return _events.Count; } }
    }

    /// <summary>Stops the task: canceled, unless it is over already. False when it was.</summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (IsOver)
            {
                return false;
            }
        }

        Apply(new TaskStep.Status("canceled", TimeSpan.Zero, "Stopped at the user's request."));
        return true;
    }

    private async Task RunAsync(IReadOnlyList<TaskStep> steps)
    {
        // A canceled task ignores the steps still to come (Apply does nothing once it is over).
        Apply(new TaskStep.Status("working", TimeSpan.Zero));
        foreach (var step in steps)
        {
            await Task.Delay(step.After);
            if (step is TaskStep.Hold hold)
            {
                await hold.Until;
                continue;
            }

            Apply(step);
        }
    }

    private void Apply(TaskStep step)
    {
        lock (_gate)
        {
            if (IsOver)
            {
                return;
            }

            switch (step)
            {
                case TaskStep.Chunk chunk:
                    if (!_artifacts.ContainsKey(chunk.ArtifactId))
                    {
                        _artifactOrder.Add(chunk.ArtifactId);
                    }

                    _artifacts[chunk.ArtifactId] = chunk.Append ? _artifacts.GetValueOrDefault(chunk.ArtifactId, "") + chunk.Text : chunk.Text;
                    _events.Add(_wire.ArtifactUpdate(Id, ContextId, chunk.ArtifactId, chunk.Text, chunk.Append, chunk.LastChunk));
                    _chunkTimes.Add(DateTimeOffset.UtcNow);
                    break;
                case TaskStep.Status status:
                    State = status.State;
                    StatusText = status.Text;
                    _events.Add(_wire.StatusUpdate(Id, ContextId, status.State, status.Text, final: EndsStream));
                    break;
            }

            var previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }
    }
}

/// <summary>The JSON of A2A results in one dialect: v1.0 (ProtoJSON, wrapped results) or v0.3 (<c>kind</c> on every object).</summary>
public sealed class A2AWire(string version)
{
    public bool IsV1 => version == "1.0";

    public JsonObject Task(string taskId, string contextId, string state, string? statusText, IReadOnlyList<(string Id, string Text)> artifacts)
    {
        var task = new JsonObject
        {
            ["id"] = taskId,
            ["contextId"] = contextId,
            ["status"] = Status(state, statusText, contextId, taskId),
            ["artifacts"] = new JsonArray([.. artifacts.Select(a => (JsonNode)Artifact(a.Id, a.Text))]),
        };
        if (!IsV1)
        {
            task["kind"] = "task";
        }

        return IsV1 ? new JsonObject { ["task"] = task } : task;
    }

    public JsonObject StatusUpdate(string taskId, string contextId, string state, string? text, bool final)
    {
        var update = new JsonObject { ["taskId"] = taskId, ["contextId"] = contextId, ["status"] = Status(state, text, contextId, taskId) };
        if (IsV1)
        {
            return new JsonObject { ["statusUpdate"] = update };
        }

        update["kind"] = "status-update";
        update["final"] = final;
        return update;
    }

    public JsonObject ArtifactUpdate(string taskId, string contextId, string artifactId, string text, bool append, bool lastChunk)
    {
        var update = new JsonObject
        {
            ["taskId"] = taskId,
            ["contextId"] = contextId,
            ["artifact"] = Artifact(artifactId, text),
            ["append"] = append,
            ["lastChunk"] = lastChunk,
        };
        if (IsV1)
        {
            return new JsonObject { ["artifactUpdate"] = update };
        }

        update["kind"] = "artifact-update";
        return update;
    }

    public JsonObject Message(string text, string contextId, string? taskId)
    {
        var message = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString("N"),
            ["contextId"] = contextId,
            ["role"] = IsV1 ? "ROLE_AGENT" : "agent",
            ["parts"] = new JsonArray(Part(text)),
        };
        if (taskId is not null)
        {
            message["taskId"] = taskId;
        }

        if (!IsV1)
        {
            message["kind"] = "message";
        }

        return message;
    }

    public JsonObject Part(string text) => IsV1 ? new JsonObject { ["text"] = text } : new JsonObject { ["kind"] = "text", ["text"] = text };

    private JsonObject Status(string state, string? text, string contextId, string taskId)
    {
        var status = new JsonObject { ["state"] = IsV1 ? "TASK_STATE_" + state.Replace('-', '_').ToUpperInvariant() : state };
        if (text is not null)
        {
            status["message"] = Message(text, contextId, taskId);
        }

        return status;
    }

    private JsonObject Artifact(string id, string text) => new() { ["artifactId"] = id, ["parts"] = new JsonArray(Part(text)) };
}
