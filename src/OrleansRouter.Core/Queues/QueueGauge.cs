namespace OrleansRouter.Queues;

/// <summary>
/// What the chats of this silo hold right now: messages waiting in inboxes and chats waiting for a retry.
/// Each chat activation reports its own changes; health and metrics read the sums.
/// </summary>
public sealed class QueueGauge
{
    private long _depth;
    private long _retrying;

    public long Depth => Interlocked.Read(ref _depth);

    public long Retrying => Interlocked.Read(ref _retrying);

    public void AddDepth(long delta) => Interlocked.Add(ref _depth, delta);

    public void AddRetrying(long delta) => Interlocked.Add(ref _retrying, delta);
}
