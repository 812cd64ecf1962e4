namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Set when the silo begins to stop: chats finish what they have started (an agent call, a reply) but start
/// nothing new, and leave the rest stored for the silos that stay.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001",
    Justification = "One per silo, for the silo's life: the token source has no timer, and nothing asks for its wait handle.")]
public sealed class DrainSignal
{
    private readonly CancellationTokenSource _draining = new();
    private volatile bool _finished;

    /// <summary>The silo is stopping: chats start nothing new, replies under way go on.</summary>
    public bool IsDraining => _draining.IsCancellationRequested;

    /// <summary>Cancelled when the drain begins: for waits that must not hold the silo's stop back.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>The drain is over and the silo is about to stop: a chat sends nothing more, not even a reply under way.</summary>
    public bool IsFinished => _finished;

    public void Begin() => _draining.Cancel();

    public void Finish() => _finished = true;
}
