namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Set when the silo begins to stop: chats finish what they have started (an agent call, a reply) but start
/// nothing new, and leave the rest stored for the silos that stay.
/// </summary>
public sealed class DrainSignal
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Begin() => _draining = true;
}
