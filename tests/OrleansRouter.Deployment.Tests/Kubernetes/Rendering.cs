using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// One kustomization rendered by <c>kubectl kustomize</c> and checked by the schema validator
/// (tests/tools/k8s-validate), as the JSON documents it printed.
/// </summary>
public sealed class Rendering
{
    private Rendering(string target, JsonArray documents)
    {
        Target = target;
        Documents = documents;
    }

    /// <summary>The kustomization's directory under deploy/k8s, e.g. <c>overlays/production</c>.</summary>
    public string Target { get; }

    public JsonArray Documents { get; }

    public IEnumerable<JsonObject> Objects => Documents.OfType<JsonObject>();

    public static string Directory(string target) => Path.Combine(OrleansRouter.Testing.RouterProcess.RepositoryRoot(), "deploy", "k8s", target);

    public static async Task<Rendering> RenderAsync(string target)
    {
        var kubectl = Tools.Find("kubectl", Tools.KubectlHint);
        var rendered = await Tools.RunAsync(kubectl, ["kustomize", Directory(target)]);
        if (rendered.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {target} failed ({rendered.ExitCode}):\n{rendered.StandardError}");
        }

        var validated = await SchemaValidator.ValidateAsync(rendered.StandardOutput);
        if (validated.ExitCode != 0)
        {
            throw new InvalidOperationException($"{target} does not validate against the Kubernetes schemas:\n{validated.StandardError}");
        }

        return new Rendering(target, JsonNode.Parse(validated.StandardOutput)!.AsArray());
    }

    /// <summary>A copy changed by <paramref name="change"/>: the negative cases that prove a rule bites.</summary>
    public Rendering With(Action<Rendering> change)
    {
        var copy = new Rendering(Target, Documents.DeepClone().AsArray());
        change(copy);
        return copy;
    }

    /// <summary>Every object that describes pods: Deployments here.</summary>
    public IEnumerable<JsonObject> PodOwners => Objects.Where(o => o.PodSpec() is not null);

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => o.Kind() == kind);

    public JsonObject? Find(string kind, string name) => OfKind(kind).SingleOrDefault(o => o.Name() == name);

    public JsonObject Get(string kind, string name) =>
        Find(kind, name) ?? throw new InvalidOperationException($"{Target} renders no {kind} {name}");

    /// <summary>The router container of a Deployment.</summary>
    public JsonObject Router(string deployment) => Workloads.Container(Get("Deployment", deployment), "router");
}
