namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Runs asynchronous operations of a reentrant grain one after another, in the order they were asked for, so
/// that a register and an unregister of the same reminder never overtake each other. Grain scheduler only.
/// </summary>
internal sealed class SerialGate
{
    private Task _last = Task.CompletedTask;

    public Task RunAsync(Func<Task> operation)
    {
        var next = RunAfterAsync(_last, operation);
        _last = next;
        return next;
    }

    private static async Task RunAfterAsync(Task previous, Func<Task> operation)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await operation();
    }
}
