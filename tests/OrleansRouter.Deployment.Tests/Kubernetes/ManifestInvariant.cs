namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// One invariant the issue asks of the rendered overlays. <paramref name="Violations"/> lists what breaks it (none:
/// it holds); <paramref name="Break"/> changes the production rendering so that it no longer holds, which proves
/// the invariant can fail.
/// </summary>
public sealed record ManifestInvariant(string Name, Func<Rendering, IEnumerable<string>> Violations, Action<Rendering> Break)
{
    public override string ToString() => Name;
}
