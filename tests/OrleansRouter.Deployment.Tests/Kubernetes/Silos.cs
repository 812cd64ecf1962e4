using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>The router's own objects in a rendering: the silo Deployments by role, and what their pods run.</summary>
public static class Silos
{
    public const string App = "telegram-router";
    public const string AppLabel = "app.kubernetes.io/name";
    public const string Active = "telegram-router";
    public const string Standby = "telegram-router-standby";
    public const int HttpPort = 8080;
    public const int MetricsPort = 9464;
    public const int SiloPort = 11111;
    public const int GatewayPort = 30000;
    public const string DefaultSecretsFile = "/run/secrets/.env.runtime";

    /// <summary>"production" for overlays/production; base counts as production, as the image's ROUTER_ENV does.</summary>
    public static string Environment(this Rendering r) => r.Target.StartsWith("overlays/", StringComparison.Ordinal) ? r.Target["overlays/".Length..] : "production";

    /// <summary>The Deployments each environment must have.</summary>
    public static IReadOnlyList<string> ExpectedRoles(this Rendering r) => r.Environment() == "production" ? [Active, Standby] : [Active];

    public static IEnumerable<JsonObject> SiloDeployments(this Rendering r) =>
        r.OfKind("Deployment").Where(d => d.PodLabels()[AppLabel]?.GetValue<string>() == App);

    public static JsonObject RouterOf(JsonObject deployment) => Workloads.Container(deployment, "router");

    /// <summary>The file a container path is served from: the volume mounted above it and the path below the mount.</summary>
    public static (JsonObject Volume, string RelativePath)? MountedFile(JsonObject deployment, JsonObject container, string path)
    {
        var mount = container["volumeMounts"]?.AsArray().OfType<JsonObject>()
            .Where(m => path.StartsWith(m["mountPath"]!.GetValue<string>().TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(m => m["mountPath"]!.GetValue<string>().Length);
        if (mount is null)
        {
            return null;
        }

        var volume = deployment.PodSpec()!["volumes"]?.AsArray().OfType<JsonObject>().SingleOrDefault(v => v["name"]?.GetValue<string>() == mount["name"]?.GetValue<string>());
        return volume is null ? null : (volume, path[(mount["mountPath"]!.GetValue<string>().TrimEnd('/').Length + 1)..]);
    }

    /// <summary>The key of a ConfigMap or Secret volume that appears at <paramref name="relativePath"/>.</summary>
    public static string KeyAt(JsonObject source, string relativePath) =>
        source["items"]?.AsArray().OfType<JsonObject>().FirstOrDefault(i => i["path"]?.GetValue<string>() == relativePath)?["key"]?.GetValue<string>()
        ?? (source["items"] is JsonArray { Count: > 0 } ? "" : relativePath);

    /// <summary>The persona map a rendering's silo reads at PERSONA_MAP_FILE, or null when it is not mounted from a rendered ConfigMap.</summary>
    public static JsonObject? PersonaMap(this Rendering r, JsonObject deployment)
    {
        var router = RouterOf(deployment);
        if (router.EnvValue("PERSONA_MAP_FILE") is not { } path || MountedFile(deployment, router, path) is not ({ } volume, { } relative)
            || volume["configMap"] is not JsonObject source || r.Find("ConfigMap", source["name"]!.GetValue<string>()) is not { } map
            || map["data"]?[KeyAt(source, relative)]?.GetValue<string>() is not { } json)
        {
            return null;
        }

        return JsonNode.Parse(json) as JsonObject;
    }

    /// <summary>The A2A token variables a persona map names.</summary>
    public static IEnumerable<string> TokenVariables(JsonObject personaMap) =>
        (personaMap["personas"] as JsonObject ?? []).Select(p => p.Value?["auth"]?["token_env"]?.GetValue<string>()).OfType<string>();

    /// <summary>The configuration a silo runs with: deploy/configs/&lt;ROUTER_ENV&gt;.env under the container's literal environment.</summary>
    public static Dictionary<string, string> EffectiveConfig(JsonObject router)
    {
        var environment = router.EnvValue("ROUTER_ENV") ?? "production";
        var config = new Dictionary<string, string>(ConfigCatalog.DeployedConfig(environment), StringComparer.Ordinal);
        foreach (var e in router["env"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (e["value"]?.GetValue<string>() is { } value)
            {
                config[e["name"]!.GetValue<string>()] = value;
            }
        }

        return config;
    }
}
