using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>The invariants of issue 10's Kubernetes part, each with the change to the production manifests that breaks it.</summary>
public static partial class ManifestInvariants
{
    public static readonly IReadOnlyList<ManifestInvariant> All =
    [
        new("Every object is in namespace ops", Namespace, r => r.Get("ServiceAccount", Silos.App)["metadata"]!["namespace"] = "default"),
        new("An active Deployment telegram-router with container router, and in production only a standby with ROUTER_ACTIVE=false", Roles,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Standby)).Env("ROUTER_ACTIVE")!["value"] = "true"),
        new("Readiness is /healthz on the HTTP port, passed three times in a row", Readiness,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active))["readinessProbe"]!["successThreshold"] = 1),
        new("Liveness is /livez on the HTTP port", Liveness,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active))["livenessProbe"]!["httpGet"]!["path"] = "/healthz"),
        new("A startup probe gives the start a minute or more before liveness counts", Startup,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active)).Remove("startupProbe")),
        new("terminationGracePeriodSeconds exceeds SHUTDOWN_DRAIN_SECONDS plus the start script's 10 s", Grace,
            r => r.Get("Deployment", Silos.Active).PodSpec()!["terminationGracePeriodSeconds"] = 40),
        new("Rolling updates never drop below the current count", RollingUpdate,
            r => r.Get("Deployment", Silos.Active)["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"] = 1),
        new("A PodDisruptionBudget covers each role and keeps an active silo up", DisruptionBudgets,
            r => r.Documents.Remove(r.Get("PodDisruptionBudget", Silos.Active))),
        new("SILO_ADVERTISED_ADDRESS is the pod IP from the downward API", AdvertisedAddress,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active)).Env("SILO_ADVERTISED_ADDRESS")!.ReplaceWith(new JsonObject { ["name"] = "SILO_ADVERTISED_ADDRESS", ["value"] = "10.0.0.1" })),
        new("PERSONA_MAP_FILE is a persona map mounted from a rendered ConfigMap", PersonaMap,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active)).Env("PERSONA_MAP_FILE")!["value"] = "/etc/orleans-router/other.json"),
        new("The silo and gateway ports take mutual TLS, its certificate, key and CA files of a Secret volume", SiloTls,
            r => r.Get("Deployment", Silos.Active).PodSpec()!["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "tls")!["secret"]!["items"]!.AsArray().RemoveAt(1)),
        new("Every secret a deployed router needs comes from a Secret, never as a literal value", SecretInvariant.Violations,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active))["env"]!.AsArray().Add(new JsonObject { ["name"] = "TELEGRAM_BOT_TOKEN", ["value"] = "123456789:AAE-literal" })),
        new("A Service for the webhook port on the active silos and one for metrics on every silo", Services,
            r => { var port = r.Get("Service", "telegram-router-metrics")["spec"]!["ports"]![0]!; port["port"] = 9465; port["targetPort"] = 9465; }),
        new("The silo and gateway ports admit only pods of the same app", NetworkPolicyInvariant.Violations,
            r => r.Get("NetworkPolicy", Silos.App)["spec"]!["ingress"]![0]!.AsObject().Remove("from")),
        new("A restricted securityContext: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp", SecurityContext,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active))["securityContext"]!["readOnlyRootFilesystem"] = false),
        new("Requests and limits for CPU and memory, the memory request covering the measured idle RSS plus 10,000 chats", Resources,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active))["resources"]!["requests"]!["memory"] = "128Mi"),
        new("The image is pinned by the overlay's digest, and IMAGE_DIGEST follows it", ImageDigest,
            r => Silos.RouterOf(r.Get("Deployment", Silos.Active))["image"] = "registry.example.com/ops/orleans-router:1.0"),
        new("No service links: the router's environment is what the manifests set", r => r.SiloDeployments()
                .Where(d => d.PodSpec()!["enableServiceLinks"]?.GetValue<bool>() != false)
                .Select(d => $"{d.Describe()}: enableServiceLinks is not false (Service variables such as TELEGRAM_ROUTER_WEBHOOK_PORT would reach the router)"),
            r => r.Get("Deployment", Silos.Active).PodSpec()!.Remove("enableServiceLinks")),
    ];

    private static IEnumerable<string> Namespace(Rendering r) =>
        r.Objects.Where(o => o["metadata"]?["namespace"]?.GetValue<string>() != "ops").Select(o => $"{o.Describe()} is not in namespace ops");

    private static IEnumerable<string> Roles(Rendering r)
    {
        var deployments = r.OfKind("Deployment").ToList();
        var names = deployments.Select(d => d.Name()!).Order(StringComparer.Ordinal).ToList();
        var expected = r.ExpectedRoles().Order(StringComparer.Ordinal).ToList();
        if (!names.SequenceEqual(expected))
        {
            yield return $"the Deployments are [{string.Join(", ", names)}], not [{string.Join(", ", expected)}]";
        }

        foreach (var d in deployments.Where(d => expected.Contains(d.Name()!)))
        {
            var router = d.PodSpec()!.Containers().FirstOrDefault(c => c["name"]?.GetValue<string>() == "router");
            var active = router?.EnvValue("ROUTER_ACTIVE");
            if (router is null)
            {
                yield return $"{d.Describe()} has no container named router (the runbook runs `kubectl exec deploy/telegram-router -c router`)";
            }
            else if (d.Name() == Silos.Standby ? active != "false" : active == "false")
            {
                yield return $"{d.Describe()} has ROUTER_ACTIVE={active ?? "(unset)"}";
            }

            if (!(d["spec"]?["selector"] as JsonObject).Selects(d.PodLabels()))
            {
                yield return $"{d.Describe()}: its selector does not select its own pods";
            }

            foreach (var other in deployments.Where(o => o != d && (d["spec"]?["selector"] as JsonObject).Selects(o.PodLabels())))
            {
                yield return $"{d.Describe()}: its selector also selects the pods of {other.Describe()}";
            }
        }
    }

    private static IEnumerable<string> ProbesOf(Rendering r, string probe, Func<JsonObject, string, IEnumerable<string>> check) =>
        r.SiloDeployments().SelectMany(d =>
        {
            var router = Silos.RouterOf(d);
            return router[probe] is JsonObject p ? check(p, $"{d.Describe()} {probe}") : [$"{d.Describe()} has no {probe}"];
        });

    private static IEnumerable<string> HttpGet(JsonObject router, JsonObject probe, string what, string path)
    {
        if (probe["httpGet"]?["path"]?.GetValue<string>() != path)
        {
            yield return $"{what} is not an HTTP GET of {path}";
        }

        if (router.Port(probe["httpGet"]?["port"]) != Silos.HttpPort)
        {
            yield return $"{what} is not on port {Silos.HttpPort}";
        }
    }

    private static IEnumerable<string> Readiness(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var router = Silos.RouterOf(d);
        if (router["readinessProbe"] is not JsonObject probe)
        {
            return [$"{d.Describe()} has no readinessProbe"];
        }

        var what = $"{d.Describe()} readinessProbe";
        return HttpGet(router, probe, what, "/healthz")
            .Concat((probe["successThreshold"].Number() ?? 1) >= 3 ? [] : [$"{what}: successThreshold {probe["successThreshold"].Number() ?? 1} is fewer than the runbook's three healthy samples"]);
    });

    private static IEnumerable<string> Liveness(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var router = Silos.RouterOf(d);
        return router["livenessProbe"] is JsonObject probe
            ? HttpGet(router, probe, $"{d.Describe()} livenessProbe", "/livez").Concat(SingleSuccess(probe, $"{d.Describe()} livenessProbe"))
            : [$"{d.Describe()} has no livenessProbe"];
    });

    /// <summary>The API server rejects a liveness or startup probe whose successThreshold is not 1 (the schema cannot say so).</summary>
    private static IEnumerable<string> SingleSuccess(JsonObject probe, string what) =>
        (probe["successThreshold"].Number() ?? 1) == 1 ? [] : [$"{what}: successThreshold must be 1"];

    private static IEnumerable<string> Startup(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var router = Silos.RouterOf(d);
        if (router["startupProbe"] is not JsonObject probe)
        {
            return [$"{d.Describe()} has no startupProbe"];
        }

        var seconds = (probe["periodSeconds"].Number() ?? 10) * (probe["failureThreshold"].Number() ?? 3);
        return HttpGet(router, probe, $"{d.Describe()} startupProbe", "/livez")
            .Concat(SingleSuccess(probe, $"{d.Describe()} startupProbe"))
            .Concat(seconds >= 60 ? [] : [$"{d.Describe()} startupProbe allows {seconds} s, less than a minute, for the config guard and the silo's start"]);
    });

    private static IEnumerable<string> Grace(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var config = Silos.EffectiveConfig(Silos.RouterOf(d));
        var drain = int.Parse(config.GetValueOrDefault("SHUTDOWN_DRAIN_SECONDS", "30"), System.Globalization.CultureInfo.InvariantCulture);
        var grace = d.PodSpec()!["terminationGracePeriodSeconds"].Number() ?? 30;
        return grace > drain + 10 ? [] : new[] { $"{d.Describe()}: terminationGracePeriodSeconds {grace} is not above the drain ({drain} s) plus 10 s" };
    });

    private static IEnumerable<string> RollingUpdate(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var strategy = d["spec"]?["strategy"];
        var unavailable = strategy?["rollingUpdate"]?["maxUnavailable"];
        var surge = strategy?["rollingUpdate"]?["maxSurge"];
        var problems = new List<string>();
        if (strategy?["type"]?.GetValue<string>() != "RollingUpdate")
        {
            problems.Add($"{d.Describe()}: the strategy is not an explicit RollingUpdate");
        }

        if (!(unavailable.Number() == 0 || unavailable?.ToString() == "0%"))
        {
            problems.Add($"{d.Describe()}: maxUnavailable is {unavailable?.ToString() ?? "the default 25%"}, not 0");
        }

        if (!(surge.Number() >= 1 || (surge?.ToString() is { } percent && percent.EndsWith('%') && percent != "0%")))
        {
            problems.Add($"{d.Describe()}: maxSurge {surge} lets no new silo start before an old one stops");
        }

        return problems;
    });

    private static IEnumerable<string> DisruptionBudgets(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var budgets = r.OfKind("PodDisruptionBudget").Where(b => (b["spec"]?["selector"] as JsonObject).Selects(d.PodLabels())).ToList();
        if (budgets.Count != 1)
        {
            return [$"{d.Describe()} is covered by {budgets.Count} PodDisruptionBudgets, not one"];
        }

        var spec = budgets[0]["spec"]!;
        var replicas = d["spec"]?["replicas"].Number() ?? 1;
        var keepsOne = spec["minAvailable"].Number() >= 1 || (spec["maxUnavailable"].Number() is { } most && most < replicas);
        return d.Name() == Silos.Active && !keepsOne
            ? [$"{budgets[0].Describe()} lets a disruption take every one of the {replicas} active silos"]
            : Array.Empty<string>();
    });

    private static IEnumerable<string> AdvertisedAddress(Rendering r) => r.SiloDeployments()
        .Where(d => Silos.RouterOf(d).Env("SILO_ADVERTISED_ADDRESS")?["valueFrom"]?["fieldRef"]?["fieldPath"]?.GetValue<string>() != "status.podIP")
        .Select(d => $"{d.Describe()}: SILO_ADVERTISED_ADDRESS is not the downward API's status.podIP");

    private static IEnumerable<string> PersonaMap(Rendering r) => r.SiloDeployments()
        .Where(d => r.PersonaMap(d)?["personas"] is not JsonObject { Count: > 0 })
        .Select(d => $"{d.Describe()}: PERSONA_MAP_FILE ({Silos.RouterOf(d).EnvValue("PERSONA_MAP_FILE") ?? "unset"}) is not a persona map mounted from a rendered ConfigMap");

    private static readonly string[] TlsFiles = ["ORLEANS_TLS_CERTIFICATE_FILE", "ORLEANS_TLS_KEY_FILE", "ORLEANS_TLS_CA_FILE"];

    /// <summary>The pods' own addresses are off loopback, so the silo and gateway ports need mutual TLS (issue 11).</summary>
    private static IEnumerable<string> SiloTls(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var router = Silos.RouterOf(d);
        var config = Silos.EffectiveConfig(router);
        if (config.GetValueOrDefault("ORLEANS_TLS") != "mutual")
        {
            return [$"{d.Describe()}: ORLEANS_TLS is {config.GetValueOrDefault("ORLEANS_TLS") ?? "unset"}, not mutual, on ports that listen on the pod's IP"];
        }

        return TlsFiles
            .Where(key => !(config.GetValueOrDefault(key) is { } path && Silos.MountedFile(d, router, path) is ({ } volume, { } relative)
                && volume["secret"] is JsonObject secret && Silos.KeyAt(secret, relative).Length > 0))
            .Select(key => $"{d.Describe()}: {key} ({config.GetValueOrDefault(key) ?? "unset"}) is not a file of a Secret volume");
    });

    private static IEnumerable<string> Services(Rendering r)
    {
        var silos = r.SiloDeployments().ToList();
        var active = silos.Where(d => d.Name() == Silos.Active).ToList();
        var standby = silos.Where(d => d.Name() != Silos.Active).ToList();
        bool Serves(JsonObject service, int port, IEnumerable<JsonObject> selected, IEnumerable<JsonObject> left) =>
            service["spec"]?["ports"]?.AsArray().OfType<JsonObject>().Any(p => p["port"].Number() == port
                && selected.All(d => Silos.RouterOf(d).Port(p["targetPort"] ?? p["port"]) == port)) == true
            && selected.All(d => (service["spec"]?["selector"] as JsonObject).Selects(d.PodLabels()))
            && left.All(d => !(service["spec"]?["selector"] as JsonObject).Selects(d.PodLabels()));

        if (!r.OfKind("Service").Any(s => Serves(s, Silos.HttpPort, active, standby)))
        {
            yield return $"no Service sends port {Silos.HttpPort} (the webhook) to the active silos and to them only";
        }

        if (!r.OfKind("Service").Any(s => Serves(s, Silos.MetricsPort, silos, [])))
        {
            yield return $"no Service sends port {Silos.MetricsPort} (metrics) to every silo";
        }
    }

    private static IEnumerable<string> SecurityContext(Rendering r) => r.SiloDeployments().SelectMany(d =>
    {
        var pod = d.PodSpec()!;
        var problems = new List<string>();
        foreach (var c in pod.Containers())
        {
            var what = $"{d.Describe()} container {c["name"]}";
            var sc = c["securityContext"];
            bool Either(string key, Func<JsonNode?, bool> good) => good(sc?[key]) || (sc?[key] is null && good(pod["securityContext"]?[key]));
            if (!Either("runAsNonRoot", v => v?.GetValue<bool>() == true))
            {
                problems.Add($"{what}: runAsNonRoot is not true");
            }

            if (!Either("runAsUser", v => v is null || v.Number() > 0))
            {
                problems.Add($"{what}: runs as uid 0");
            }

            if (sc?["allowPrivilegeEscalation"]?.GetValue<bool>() != false || sc?["privileged"]?.GetValue<bool>() == true)
            {
                problems.Add($"{what}: may gain privileges (allowPrivilegeEscalation not false, or privileged)");
            }

            if (sc?["readOnlyRootFilesystem"]?.GetValue<bool>() != true)
            {
                problems.Add($"{what}: the root filesystem is writable");
            }

            if (sc?["capabilities"]?["drop"]?.AsArray().Any(x => x?.GetValue<string>() == "ALL") != true || sc?["capabilities"]?["add"] is JsonArray { Count: > 0 })
            {
                problems.Add($"{what}: does not drop ALL capabilities, or adds some");
            }

            if (!Either("seccompProfile", v => v?["type"]?.GetValue<string>() == "RuntimeDefault"))
            {
                problems.Add($"{what}: seccomp is not RuntimeDefault");
            }

            if (Silos.MountedFile(d, c, "/tmp/x") is not ({ } tmp, _) || tmp["emptyDir"] is null)
            {
                problems.Add($"{what}: /tmp, the one path the image writes, is not an emptyDir");
            }
        }

        return problems;
    });

    private static IEnumerable<string> Resources(Rendering r)
    {
        var measured = MeasuredMemory();
        foreach (var d in r.SiloDeployments())
        {
            foreach (var c in d.PodSpec()!.Containers())
            {
                var what = $"{d.Describe()} container {c["name"]}";
                var resources = c["resources"];
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    var request = resources?["requests"]?[resource];
                    var limit = resources?["limits"]?[resource];
                    if (request is null || limit is null)
                    {
                        yield return $"{what}: {resource} has no request or no limit";
                    }
                    else if (request.Quantity() > limit.Quantity())
                    {
                        yield return $"{what}: the {resource} request is above its limit";
                    }
                }

                if (resources?["requests"]?["memory"] is { } memory && memory.Quantity() < measured.Bytes)
                {
                    yield return $"{what}: the memory request {memory} is below the measured {measured.Figure}";
                }
            }
        }
    }

    /// <summary>docs/benchmarks.json, Redis storage: the largest idle RSS plus the largest RSS added by 10,000 chats.</summary>
    public static (double Bytes, string Figure) MeasuredMemory()
    {
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(ConfigCatalog.Root, "docs", "benchmarks.json")))!;
        var runs = report["runs"]!.AsArray().SelectMany(run => run!.AsArray()).OfType<JsonObject>()
            .Where(s => s["scenario"]?.GetValue<string>() == "memory" && s["storage"]?.GetValue<string>() == "redis").ToList();
        var idle = runs.Max(s => s["idle_rss_mb"]!.GetValue<double>());
        var chats = runs.Max(s => s["rss_per_10000_chats_mb"]!.GetValue<double>());
        return ((idle + chats) * 1024 * 1024, $"{idle} MiB idle + {chats} MiB for 10,000 chats (docs/benchmarks.json)");
    }

    private static IEnumerable<string> ImageDigest(Rendering r)
    {
        var overlay = File.ReadAllText(Path.Combine(Rendering.Directory(r.Target), "kustomization.yaml"));
        var digest = OverlayDigest().Match(overlay) is { Success: true } m ? m.Groups["digest"].Value : null;
        if (digest is null)
        {
            yield return $"{r.Target}/kustomization.yaml sets no image digest (images: … digest:)";
        }

        foreach (var d in r.SiloDeployments())
        {
            var router = Silos.RouterOf(d);
            var image = router["image"]?.GetValue<string>() ?? "";
            if (!PinnedImage().IsMatch(image))
            {
                yield return $"{d.Describe()}: the image {image} is not registry.example.com/ops/orleans-router@sha256:<64 hex>";
            }
            else if (digest is not null && !image.EndsWith("@" + digest, StringComparison.Ordinal))
            {
                yield return $"{d.Describe()}: the image {image} is not the overlay's digest {digest}";
            }

            var logged = router.EnvValue("IMAGE_DIGEST");
            if (!image.EndsWith("@" + logged, StringComparison.Ordinal))
            {
                yield return $"{d.Describe()}: IMAGE_DIGEST {logged} is not the image's digest";
            }
        }
    }

    [GeneratedRegex(@"^\s+digest:\s*(?<digest>sha256:[0-9a-f]{64})\s*$", RegexOptions.Multiline)]
    private static partial Regex OverlayDigest();

    [GeneratedRegex("^registry\\.example\\.com/ops/orleans-router@sha256:[0-9a-f]{64}$")]
    private static partial Regex PinnedImage();
}
