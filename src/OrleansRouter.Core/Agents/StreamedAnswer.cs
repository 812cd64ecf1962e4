namespace OrleansRouter.Agents;

/// <summary>
/// One A2A task's answer put together from its stream, by the specification's rules: a chunk with <c>append</c>
/// adds to its artifact, one without replaces it, <c>lastChunk</c> closes it; a snapshot (the first event of a
/// resubscription, or a polled task) replaces everything assembled so far. Events of another task are ignored.
/// Bounded whatever the agent sends: at most <see cref="MaxArtifacts"/> artifacts of at most
/// <see cref="MaxKeptChars"/> characters each are kept; the reply is capped at the client's reply limit.
/// </summary>
public sealed class StreamedAnswer(int maxReplyChars)
{
    public const int MaxArtifacts = 64;

    private readonly List<Artifact> _artifacts = [];

    /// <summary>The most of one artifact kept in memory: enough to say how much longer than the reply limit it was.</summary>
    public int MaxKeptChars => maxReplyChars + 1;

    public string? TaskId { get; private set; }

    public string? ContextId { get; private set; }

    public AgentTaskState State { get; private set; }

    /// <summary>The text of the latest status message, e.g. "Searching the web…" while working.</summary>
    public string StatusText { get; private set; } = "";

    /// <summary>How the answer ended; null while it goes on.</summary>
    public AgentOutcome? Outcome { get; private set; }

    /// <summary>The agent said it sends nothing more on this stream (v0.3's <c>final</c>), though the task may not be over.</summary>
    public bool StreamClosed { get; private set; }

    /// <summary>Takes one event in; false when it changed nothing (another task's, or after the end).</summary>
    public bool Apply(AgentStreamEvent streamEvent)
    {
        if (Outcome is not null)
        {
            return false;
        }

        switch (streamEvent)
        {
            case AgentStreamEvent.Finished finished:
                Outcome = finished.Outcome;
                if (finished.Outcome is AgentReply reply)
                {
                    ContextId = reply.ContextId ?? ContextId;
                }

                return true;
            case AgentStreamEvent.Snapshot snapshot when Owns(snapshot.TaskId, snapshot.ContextId):
                _artifacts.Clear();
                foreach (var artifact in snapshot.Artifacts.Take(MaxArtifacts))
                {
                    _artifacts.Add(new Artifact(artifact.ArtifactId, Cut(artifact.Text), Closed: false, artifact.Text.Length));
                }

                StatusText = snapshot.StatusText;
                MoveTo(snapshot.State);
                return true;
            case AgentStreamEvent.Status status when Owns(status.TaskId, status.ContextId):
                if (status.StatusText.Length > 0 || !status.State.InProgress())
                {
                    StatusText = status.StatusText;
                }

                StreamClosed |= status.Final;
                MoveTo(status.State);
                return true;
            case AgentStreamEvent.Chunk chunk when Owns(chunk.TaskId, chunk.ContextId):
                AddChunk(chunk);
                return true;
            default:
                return false;
        }
    }

    /// <summary>What the user may be shown while the answer grows: the artifacts so far, else the latest status text.</summary>
    public string Preview()
    {
        var text = ArtifactsText();
        return text.Length > 0 ? text : State.InProgress() || State == AgentTaskState.Unknown ? StatusText : "";
    }

    /// <summary>How many characters of each artifact there are now, by artifact id.</summary>
    public Dictionary<string, int> ArtifactLengths() => _artifacts.ToDictionary(a => a.Id, a => a.Text.Length);

    private bool Owns(string taskId, string? contextId)
    {
        if (TaskId is null)
        {
            TaskId = taskId;
        }

        if (TaskId != taskId)
        {
            return false;
        }

        ContextId = contextId ?? ContextId;
        return true;
    }

    private void MoveTo(AgentTaskState state)
    {
        State = state;
        if (state.ReplyKind() is { } kind)
        {
            Outcome = TaskReply.Of(kind, StatusText, ArtifactsText(), ContextId, TaskId, maxReplyChars, ReceivedChars());
        }
    }

    private void AddChunk(AgentStreamEvent.Chunk chunk)
    {
        var index = _artifacts.FindIndex(a => a.Id == chunk.ArtifactId);
        if (index < 0)
        {
            if (_artifacts.Count >= MaxArtifacts)
            {
                return;
            }

            _artifacts.Add(new Artifact(chunk.ArtifactId, Cut(chunk.Text), chunk.LastChunk, chunk.Text.Length));
            return;
        }

        // lastChunk ends an artifact: more of it is ignored, though a chunk that replaces it starts it again.
        var artifact = _artifacts[index];
        if (artifact.Closed && chunk.Append)
        {
            return;
        }

        _artifacts[index] = chunk.Append
            ? new Artifact(artifact.Id, Cut(artifact.Text + chunk.Text), chunk.LastChunk, artifact.Received + chunk.Text.Length)
            : new Artifact(artifact.Id, Cut(chunk.Text), chunk.LastChunk, chunk.Text.Length);
    }

    private string ArtifactsText() => TaskReply.Join(_artifacts.Select(a => a.Text));

    /// <summary>What the artifacts would come to had nothing been cut: the length the reply limit's notice names.</summary>
    private long ReceivedChars() => _artifacts.Sum(a => a.Received) + (2L * Math.Max(0, _artifacts.Count(a => a.Received > 0) - 1));

    private string Cut(string text) => text.Length <= MaxKeptChars ? text : text[..MaxKeptChars];

    /// <param name="Received">Characters the agent sent for it, kept or not.</param>
    private sealed record Artifact(string Id, string Text, bool Closed, long Received);
}
