using System.Threading.Channels;
using OrleansRouter.Agents;

namespace OrleansRouter.Tests.Support;

/// <summary>An agent's stream that a test writes event by event; ending it without an answer plays a cut stream.</summary>
public sealed class EventFeed
{
    private readonly Channel<AgentStreamEvent> _events = Channel.CreateUnbounded<AgentStreamEvent>();

    /// <summary>Whether the reader stopped reading (the chat cancelled it, or took everything).</summary>
    public bool Abandoned { get; private set; }

    public void Write(AgentStreamEvent streamEvent) => _events.Writer.TryWrite(streamEvent);

    public void Chunk(string task, string text, bool append = true, bool last = false, string artifact = "artifact-0") =>
        Write(new AgentStreamEvent.Chunk(task, "ctx", artifact, text, append, last));

    public void Status(string task, AgentTaskState state, string text = "") => Write(new AgentStreamEvent.Status(task, "ctx", state, text, Final: false));

    public void Snapshot(string task, AgentTaskState state = AgentTaskState.Working) =>
        Write(new AgentStreamEvent.Snapshot(task, "ctx", state, "", []));

    /// <summary>Ends the stream here, whatever was said: a cut when no final state came.</summary>
    public void End() => _events.Writer.TryComplete();

    public async IAsyncEnumerable<AgentStreamEvent> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var streamEvent in _events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return streamEvent;
            }
        }
        finally
        {
            Abandoned = true;
        }
    }
}
