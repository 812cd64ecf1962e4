namespace OrleansRouter.Host.Health;

/// <summary>The router's own phase, as <c>router.state</c> in <c>/healthz</c>.</summary>
public enum RouterState
{
    Starting,
    Ready,
    Draining,
}
