using OrleansRouter.Queues;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// One chat activation's share of the silo's queue gauges. It remembers what it reported, so that each report adds
/// only the change and a deactivating chat takes back exactly what it added.
/// </summary>
internal sealed class QueueReport(QueueGauge gauge)
{
    private int _depth;
    private bool _retrying;

    public void Report(ChatState state)
    {
        var depth = state.Inbox.Count;
        gauge.AddDepth(depth - _depth);
        _depth = depth;

        var retrying = state.Head() is { NextAttemptAt: not null };
        if (retrying != _retrying)
        {
            gauge.AddRetrying(retrying ? 1 : -1);
            _retrying = retrying;
        }
    }

    public void Withdraw()
    {
        gauge.AddDepth(-_depth);
        gauge.AddRetrying(_retrying ? -1 : 0);
        _depth = 0;
        _retrying = false;
    }
}
