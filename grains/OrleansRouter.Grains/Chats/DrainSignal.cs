namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Set when the silo begins to stop: chats finish what they have started (an agent call, a reply) but start
/// nothing new, and leave the rest stored for the silos that stay.
/// </summary>
public sealed class DrainSignal
{
    private volatile bool _draining;
    private volatile bool _finished;

    /// <summary>The silo is stopping: chats start nothing new, replies under way go on.</summary>
    public bool IsDraining => _draining;

    /// <summary>The drain is over and the silo is about to stop: a chat sends nothing more, not even a reply under way.</summary>
    public bool IsFinished => _finished;

    public void Begin() => _draining = true;

    public void Finish() => _finished = true;
}
