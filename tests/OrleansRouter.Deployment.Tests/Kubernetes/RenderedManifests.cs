using System.Collections.Concurrent;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>Each kustomization rendered and validated once for the test class.</summary>
public sealed class RenderedManifests
{
    public static readonly string[] Targets = ["base", "overlays/staging", "overlays/production"];

    public static readonly string[] Overlays = ["overlays/staging", "overlays/production"];

    private readonly ConcurrentDictionary<string, Lazy<Task<Rendering>>> _renderings = new(StringComparer.Ordinal);

    public Task<Rendering> Of(string target) => _renderings.GetOrAdd(target, t => new Lazy<Task<Rendering>>(() => Rendering.RenderAsync(t))).Value;
}
