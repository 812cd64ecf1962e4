namespace OrleansRouter.Grains.Storage;

/// <summary>
/// Serialises the state writes of one reentrant grain and merges the ones that queue up behind a running write:
/// a burst of accepts for one chat costs two storage writes, not one per message.
/// Only for use on the grain's own scheduler.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task _running = Task.CompletedTask;
    private Task? _queued;

    /// <summary>Completes when a write that started after this call has stored every change made before it.</summary>
    public Task SaveAsync()
    {
        if (_queued is { } queued)
        {
            return queued;
        }

        if (!_running.IsCompleted)
        {
            return _queued = WriteAfterAsync(_running);
        }

        return _running = write();
    }

    /// <summary>Completes when the writes already started or queued are done; starts none.</summary>
    public Task FlushAsync() => _queued ?? _running;

    private async Task WriteAfterAsync(Task running)
    {
        // The running write's failure belongs to its own callers; this write stands on its own.
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _running = _queued!;
        _queued = null;
        await write();
    }
}
