using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>Reading Kubernetes objects as JSON: their names, pod specs, containers, environment and ports.</summary>
public static class Workloads
{
    /// <summary>Kinds whose pods are described by <c>spec.template</c>.</summary>
    private static readonly string[] TemplateKinds = ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job"];

    public static string? Kind(this JsonObject o) => o["kind"]?.GetValue<string>();

    public static string? Name(this JsonObject o) => o["metadata"]?["name"]?.GetValue<string>();

    public static string Describe(this JsonObject o) => $"{o.Kind()} {o.Name()}";

    public static JsonObject Labels(this JsonObject o) => o["metadata"]?["labels"] as JsonObject ?? [];

    /// <summary>The pod spec of a Pod, CronJob or templated workload; null for any other kind.</summary>
    public static JsonObject? PodSpec(this JsonObject o) => o.Kind() switch
    {
        "Pod" => o["spec"] as JsonObject,
        "CronJob" => o["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] as JsonObject,
        var kind when TemplateKinds.Contains(kind) => o["spec"]?["template"]?["spec"] as JsonObject,
        _ => null,
    };

    /// <summary>The labels its pods carry.</summary>
    public static JsonObject PodLabels(this JsonObject o) => (o.Kind() == "Pod" ? o["metadata"] : o["spec"]?["template"]?["metadata"])?["labels"] as JsonObject ?? [];

    public static IEnumerable<JsonObject> Containers(this JsonObject podSpec, bool includeInit = true) =>
        (podSpec["containers"]?.AsArray() ?? []).Concat(includeInit ? podSpec["initContainers"]?.AsArray() ?? [] : []).OfType<JsonObject>();

    public static JsonObject Container(JsonObject workload, string name) =>
        workload.PodSpec()?.Containers().SingleOrDefault(c => c["name"]?.GetValue<string>() == name)
        ?? throw new InvalidOperationException($"{workload.Describe()} has no container {name}");

    public static JsonObject? Env(this JsonObject container, string name) =>
        container["env"]?.AsArray().OfType<JsonObject>().SingleOrDefault(e => e["name"]?.GetValue<string>() == name);

    /// <summary>The literal value of an environment variable, or null when it is unset or comes from elsewhere.</summary>
    public static string? EnvValue(this JsonObject container, string name) => container.Env(name)?["value"]?.GetValue<string>();

    /// <summary>A port given by number or by the name of one of the container's ports.</summary>
    public static int? Port(this JsonObject container, JsonNode? port)
    {
        if (port is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            return value.GetValue<int>();
        }

        var name = port?.GetValue<string>();
        return container["ports"]?.AsArray().OfType<JsonObject>()
            .FirstOrDefault(p => p["name"]?.GetValue<string>() == name)?["containerPort"]?.GetValue<int>();
    }

    /// <summary>Whether a label selector (matchLabels only; matchExpressions are not used here) selects these labels.</summary>
    public static bool Selects(this JsonObject? selector, JsonObject labels)
    {
        if (selector is null || selector.ContainsKey("matchExpressions"))
        {
            return false;
        }

        var match = selector["matchLabels"] as JsonObject ?? selector;
        return match.Count > 0 && match.All(pair => labels[pair.Key]?.GetValue<string>() == pair.Value?.GetValue<string>());
    }

    public static int? Number(this JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<int>() : null;

    /// <summary>A quantity in its base unit: cores for CPU ("250m" is 0.25), bytes for memory ("256Mi").</summary>
    public static double Quantity(this JsonNode? node)
    {
        var text = node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? value.GetValue<double>().ToString(CultureInfo.InvariantCulture)
            : node?.GetValue<string>() ?? throw new InvalidOperationException("no quantity");
        (string Suffix, double Factor)[] units =
        [
            ("Ki", 1024d), ("Mi", Math.Pow(1024, 2)), ("Gi", Math.Pow(1024, 3)), ("Ti", Math.Pow(1024, 4)),
            ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
        ];
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return double.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor;
            }
        }

        return double.Parse(text, CultureInfo.InvariantCulture);
    }
}
