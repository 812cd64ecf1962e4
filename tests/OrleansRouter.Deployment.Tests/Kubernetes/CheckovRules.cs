using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// One of checkov's Kubernetes checks, mirrored (checkov itself comes from PyPI, which these machines cannot
/// reach). <paramref name="Passes"/> follows the check's own logic; <paramref name="Break"/> changes the
/// production manifests so that the check fails, which proves it bites.
/// </summary>
public sealed record CheckovRule(string Id, string Name, IReadOnlySet<string> Kinds, Func<JsonObject, Rendering, bool> Passes, Action<Rendering> Break)
{
    public override string ToString() => $"{Id} ({Name})";
}

/// <summary>The checkov checks that apply to what deploy/k8s renders, by their checkov id.</summary>
public static class CheckovRules
{
    private const string ActiveDeployment = "telegram-router";

    private static readonly HashSet<string> PodKinds = ["Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"];

    private static readonly HashSet<string> NamespacedKinds = [.. PodKinds, "Service", "Secret", "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Ingress"];

    /// <summary>
    /// The kinds all of whose checkov checks are mirrored below. Another kind (a Role, an Ingress, a Secret...)
    /// has checks of its own (RBAC wildcards, NGINX snippets, ...): rendering one fails until they are added.
    /// PodSecurityPolicy checks (CKV_K8S_1 to 7, 24, 32, 36) are gone with the kind (Kubernetes 1.25); the API
    /// server, kubelet and etcd checks concern the cluster; CKV_K8S_33, 34, 44 and 45 look for the Kubernetes
    /// dashboard and Helm v2's Tiller, which nothing here deploys.
    /// </summary>
    public static readonly IReadOnlySet<string> CoveredKinds = new HashSet<string> { "ServiceAccount", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget", "NetworkPolicy" };

    public static readonly IReadOnlyList<CheckovRule> All =
    [
        Containers("CKV_K8S_8", "Liveness Probe Should be Configured", c => c["livenessProbe"] is JsonObject { Count: > 0 }, c => c.Remove("livenessProbe"), includeInit: false),
        Containers("CKV_K8S_9", "Readiness Probe Should be Configured", c => c["readinessProbe"] is JsonObject { Count: > 0 }, c => c.Remove("readinessProbe"), includeInit: false),
        Containers("CKV_K8S_10", "CPU requests should be set", c => c["resources"]?["requests"]?["cpu"] is not null, c => c["resources"]!["requests"]!.AsObject().Remove("cpu")),
        Containers("CKV_K8S_11", "CPU limits should be set", c => c["resources"]?["limits"]?["cpu"] is not null, c => c["resources"]!["limits"]!.AsObject().Remove("cpu")),
        Containers("CKV_K8S_12", "Memory requests should be set", c => c["resources"]?["requests"]?["memory"] is not null, c => c["resources"]!["requests"]!.AsObject().Remove("memory")),
        Containers("CKV_K8S_13", "Memory limits should be set", c => c["resources"]?["limits"]?["memory"] is not null, c => c["resources"]!["limits"]!.AsObject().Remove("memory")),
        Containers("CKV_K8S_14", "Image Tag should be fixed - not latest or blank", ImageTagFixed, c => c["image"] = "registry.example.com/ops/orleans-router:latest"),
        Containers("CKV_K8S_15", "Image Pull Policy should be Always", ImagePullPolicyAlways, c => { c["image"] = "registry.example.com/ops/orleans-router:1.0"; c["imagePullPolicy"] = "IfNotPresent"; }),
        Containers("CKV_K8S_16", "Container should not be privileged", c => c["securityContext"]?["privileged"]?.GetValue<bool>() != true, c => c["securityContext"]!["privileged"] = true),
        Pods("CKV_K8S_17", "Containers should not share the host process ID namespace", p => p["hostPID"]?.GetValue<bool>() != true, p => p["hostPID"] = true),
        Pods("CKV_K8S_18", "Containers should not share the host IPC namespace", p => p["hostIPC"]?.GetValue<bool>() != true, p => p["hostIPC"] = true),
        Pods("CKV_K8S_19", "Containers should not share the host network namespace", p => p["hostNetwork"]?.GetValue<bool>() != true, p => p["hostNetwork"] = true),
        Containers("CKV_K8S_20", "Containers should not run with allowPrivilegeEscalation", c => c["securityContext"]?["allowPrivilegeEscalation"]?.GetValue<bool>() == false, c => c["securityContext"]!.AsObject().Remove("allowPrivilegeEscalation")),
        new("CKV_K8S_21", "The default namespace should not be used", NamespacedKinds, (o, _) => DefaultNamespace(o),
            r => r.Get("ServiceAccount", ActiveDeployment)["metadata"]!.AsObject().Remove("namespace")),
        Containers("CKV_K8S_22", "Use read-only filesystem for containers where possible", c => c["securityContext"]?["readOnlyRootFilesystem"]?.GetValue<bool>() == true, c => c["securityContext"]!["readOnlyRootFilesystem"] = false),
        new("CKV_K8S_23", "Minimize the admission of root containers", PodKinds, (o, _) => RootContainers(o.PodSpec()!),
            r => { var p = ActivePod(r); p["securityContext"]!["runAsNonRoot"] = false; p["securityContext"]!["runAsUser"] = 0; Active(r)["securityContext"]!["runAsNonRoot"] = false; }),
        Containers("CKV_K8S_25", "Minimize the admission of containers with added capability", c => c["securityContext"]?["capabilities"]?["add"] is not JsonArray { Count: > 0 }, c => c["securityContext"]!["capabilities"]!["add"] = new JsonArray("NET_ADMIN")),
        Containers("CKV_K8S_26", "Do not specify hostPort unless absolutely necessary", c => c["ports"]?.AsArray().OfType<JsonObject>().All(p => !p.ContainsKey("hostPort")) ?? true, c => c["ports"]![0]!["hostPort"] = 8080),
        Pods("CKV_K8S_27", "Do not expose the docker daemon socket to containers",
            p => p["volumes"]?.AsArray().OfType<JsonObject>().All(v => v["hostPath"]?["path"]?.GetValue<string>() != "/var/run/docker.sock") ?? true,
            p => p["volumes"]!.AsArray().Add(new JsonObject { ["name"] = "docker", ["hostPath"] = new JsonObject { ["path"] = "/var/run/docker.sock" } })),
        Containers("CKV_K8S_28", "Minimize the admission of containers with the NET_RAW capability", c => Drops(c, "ALL", "all", "NET_RAW"), c => c["securityContext"]!["capabilities"]!["drop"] = new JsonArray("CHOWN")),
        Pods("CKV_K8S_29", "Apply security context to your pods and containers", p => p["securityContext"] is JsonObject { Count: > 0 }, p => p.Remove("securityContext")),
        Containers("CKV_K8S_30", "Apply security context to your containers", c => c["securityContext"] is JsonObject { Count: > 0 }, c => c.Remove("securityContext")),
        new("CKV_K8S_31", "Ensure that the seccomp profile is set to docker/default or runtime/default", PodKinds, (o, _) => Seccomp(o),
            r => ActivePod(r)["securityContext"]!["seccompProfile"] = new JsonObject { ["type"] = "Unconfined" }),
        Containers("CKV_K8S_35", "Prefer using secrets as files over secrets as environment variables", SecretsAsFiles,
            c => c["env"]!.AsArray().Add(new JsonObject { ["name"] = "TELEGRAM_BOT_TOKEN", ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "telegram-router-secrets", ["key"] = "TELEGRAM_BOT_TOKEN" } } })),
        Containers("CKV_K8S_37", "Minimize the admission of containers with capabilities assigned", c => Drops(c, "ALL", "all"), c => c["securityContext"]!["capabilities"]!["drop"] = new JsonArray("NET_RAW")),
        Pods("CKV_K8S_38", "Ensure that Service Account Tokens are only mounted where necessary", p => p["automountServiceAccountToken"]?.GetValue<bool>() == false, p => p.Remove("automountServiceAccountToken")),
        Containers("CKV_K8S_39", "Do not use the CAP_SYS_ADMIN linux capability",
            c => c["securityContext"]?["capabilities"]?["add"]?.AsArray().All(a => a?.GetValue<string>() != "SYS_ADMIN") ?? true,
            c => c["securityContext"]!["capabilities"]!["add"] = new JsonArray("SYS_ADMIN")),
        new("CKV_K8S_40", "Containers should run as a high UID to avoid host conflict", PodKinds, (o, _) => HighUid(o.PodSpec()!),
            r => r.Get("Deployment", ActiveDeployment)["metadata"]!.AsObject().Remove("annotations")),
        new("CKV_K8S_41", "Ensure that default service accounts are not actively used", new HashSet<string> { "ServiceAccount" },
            (o, _) => o.Name() != "default" || o["automountServiceAccountToken"]?.GetValue<bool>() == false,
            r => r.Documents.Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = "ops" } })),
        Containers("CKV_K8S_43", "Image should use digest", c => c["image"]?.GetValue<string>().Contains('@', StringComparison.Ordinal) == true, c => c["image"] = "registry.example.com/ops/orleans-router:1.0"),
        new("CKV2_K8S_6", "Minimize the admission of pods which lack an associated NetworkPolicy", PodKinds, HasNetworkPolicy,
            r => r.Documents.Remove(r.Get("NetworkPolicy", ActiveDeployment))),
    ];

    private static JsonObject ActivePod(Rendering r) => r.Get("Deployment", ActiveDeployment).PodSpec()!;

    private static JsonObject Active(Rendering r) => r.Router(ActiveDeployment);

    private static CheckovRule Containers(string id, string name, Func<JsonObject, bool> passes, Action<JsonObject> breakRouter, bool includeInit = true) =>
        new(id, name, PodKinds, (o, _) => o.PodSpec()!.Containers(includeInit).All(passes), r => breakRouter(Active(r)));

    private static CheckovRule Pods(string id, string name, Func<JsonObject, bool> passes, Action<JsonObject> breakPod) =>
        new(id, name, PodKinds, (o, _) => passes(o.PodSpec()!), r => breakPod(ActivePod(r)));

    private static bool Drops(JsonObject container, params string[] any) =>
        container["securityContext"]?["capabilities"]?["drop"]?.AsArray().Any(d => any.Any(cap => d!.GetValue<string>().Contains(cap, StringComparison.Ordinal))) == true;

    private static (string Name, string Tag) SplitImage(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "");
    }

    private static bool ImageTagFixed(JsonObject c)
    {
        var image = c["image"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(image))
        {
            return false;
        }

        return image.Contains('@', StringComparison.Ordinal) || SplitImage(image).Tag is not ("latest" or "");
    }

    /// <summary>With a digest any policy passes; without one the policy must be Always, or left out with :latest or no tag (where Always is the default).</summary>
    private static bool ImagePullPolicyAlways(JsonObject c)
    {
        var image = c["image"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(image))
        {
            return false;
        }

        if (image.Contains('@', StringComparison.Ordinal))
        {
            return true;
        }

        var policy = c["imagePullPolicy"]?.GetValue<string>();
        return policy is null ? SplitImage(image).Tag is "latest" or "" : policy == "Always";
    }

    private static bool DefaultNamespace(JsonObject o)
    {
        var ns = o["metadata"]?["namespace"]?.GetValue<string>();
        return (ns is not null && ns != "default")
            || (o.Kind() == "ServiceAccount" && o.Name() == "default")
            || (o.Kind() == "Service" && o.Name() == "kubernetes");
    }

    private enum Setting
    {
        Absent,
        Passed,
        Failed,
    }

    private static Setting RunAsNonRoot(JsonObject? spec) => spec?["securityContext"]?["runAsNonRoot"] switch
    {
        null => Setting.Absent,
        var v => v.GetValue<bool>() ? Setting.Passed : Setting.Failed,
    };

    private static Setting RunAsUser(JsonObject? spec, int atLeast) => spec?["securityContext"]?["runAsUser"] switch
    {
        null => Setting.Absent,
        var v => v.Number() >= atLeast ? Setting.Passed : Setting.Failed,
    };

    /// <summary>checkov's RootContainers: the pod's runAsNonRoot or runAsUser, unless a container overrides them.</summary>
    private static bool RootContainers(JsonObject pod)
    {
        var containers = pod.Containers(includeInit: false).ToList();
        if (RunAsNonRoot(pod) == Setting.Passed)
        {
            return containers.All(c => RunAsNonRoot(c) != Setting.Failed || RunAsUser(c, 1) == Setting.Passed);
        }

        if (RunAsUser(pod, 1) == Setting.Passed)
        {
            return containers.All(c => RunAsUser(c, 1) != Setting.Failed);
        }

        return containers.All(c => RunAsNonRoot(c) == Setting.Passed || RunAsUser(c, 1) == Setting.Passed);
    }

    /// <summary>checkov's RootContainersHighUID: runAsUser of 10000 or more, on the pod or on every container.</summary>
    private static bool HighUid(JsonObject pod)
    {
        if (pod["hostUsers"]?.GetValue<bool>() == false)
        {
            return true;
        }

        var containers = pod.Containers(includeInit: false).Select(c => RunAsUser(c, 10000)).ToList();
        return RunAsUser(pod, 10000) == Setting.Passed
            ? containers.All(c => c != Setting.Failed)
            : containers.Count > 0 && containers.All(c => c == Setting.Passed);
    }

    private static bool Seccomp(JsonObject o)
    {
        var pod = o.PodSpec()!;
        if (pod["securityContext"]?["seccompProfile"]?["type"]?.GetValue<string>() is { } type)
        {
            return type == "RuntimeDefault";
        }

        var profiles = pod.Containers(includeInit: false).Select(c => c["securityContext"]?["seccompProfile"]?["type"]?.GetValue<string>()).ToList();
        if (profiles.Any(p => p is not null && p != "RuntimeDefault"))
        {
            return false;
        }

        if (profiles.Count > 0 && profiles.All(p => p == "RuntimeDefault"))
        {
            return true;
        }

        var annotations = (o.Kind() == "Pod" ? o["metadata"] : o["spec"]?["template"]?["metadata"])?["annotations"] as JsonObject ?? [];
        return annotations.Any(a => a.Key.Contains("seccomp.security.alpha.kubernetes.io/pod", StringComparison.Ordinal)
            && (a.Value?.GetValue<string>() ?? "") is var v && (v.Contains("docker/default", StringComparison.Ordinal) || v.Contains("runtime/default", StringComparison.Ordinal)));
    }

    private static bool SecretsAsFiles(JsonObject c) =>
        (c["env"]?.AsArray().OfType<JsonObject>().All(e => e["valueFrom"]?["secretKeyRef"] is null) ?? true)
        && (c["envFrom"]?.AsArray().OfType<JsonObject>().All(e => e["secretRef"] is null) ?? true);

    /// <summary>The graph check CKV2_K8S_6: some NetworkPolicy of the pods' namespace selects them.</summary>
    private static bool HasNetworkPolicy(JsonObject o, Rendering rendering) =>
        rendering.OfKind("NetworkPolicy").Any(p =>
            p["metadata"]?["namespace"]?.GetValue<string>() == o["metadata"]?["namespace"]?.GetValue<string>()
            && p["spec"]?["podSelector"] is JsonObject selector
            && (selector.Count == 0 || (selector["matchLabels"] is JsonObject { Count: 0 } && !selector.ContainsKey("matchExpressions")) || selector.Selects(o.PodLabels())));
}
