namespace OrleansRouter.Queues;

/// <summary>
/// What the chats of this silo hold right now: messages waiting in inboxes and chats waiting for a retry.
/// Each chat activation reports its own changes; health and metrics read the sums.
/// </summary>
public sealed class QueueGauge
{
    private long _depth;
    private long _retrying;
    private long _inFlight;

    public long Depth => Interlocked.Read(ref _depth);

    public long Retrying => Interlocked.Read(ref _retrying);

    /// <summary>Chats working on a message right now (calling the agent, sending, storing the step): what a draining silo waits for.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void AddDepth(long delta) => Interlocked.Add(ref _depth, delta);

    public void AddRetrying(long delta) => Interlocked.Add(ref _retrying, delta);

    /// <summary>Counts one piece of work in flight until the returned handle is disposed.</summary>
    public IDisposable TrackInFlight()
    {
        Interlocked.Increment(ref _inFlight);
        return new InFlightHandle(this);
    }

    private sealed class InFlightHandle(QueueGauge gauge) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref gauge._inFlight);
            }
        }
    }
}
