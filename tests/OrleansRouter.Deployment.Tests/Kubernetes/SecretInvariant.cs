using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// Every secret of .env.example that a deployed router needs comes from a Secret: the file the Secret
/// telegram-router-secrets mounts at ROUTER_SECRETS_FILE (its keys are those of deploy/k8s/secrets.env.example),
/// or a secretKeyRef. None is ever a literal value, a ConfigMap entry, or a Secret object in the repository.
/// </summary>
public static class SecretInvariant
{
    /// <summary>When a deployed router needs each secret of the catalog; a secret missing here fails the invariant until it is classified.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>, bool>> NeededWhen = new(StringComparer.Ordinal)
    {
        ["TELEGRAM_BOT_TOKEN"] = _ => true,
        ["REDIS_CONNECTION_STRING"] = _ => true,
        ["CHAT_ID_HASH_SALT"] = _ => true,
        ["TELEGRAM_WEBHOOK_SECRET"] = config => config.GetValueOrDefault("TELEGRAM_INGRESS") == "webhook",
        ["DASHBOARD_PASSWORD"] = config => config.GetValueOrDefault("DASHBOARD_ENDPOINT", "127.0.0.1:8081") is var d && d != "off" && !d.StartsWith("127.", StringComparison.Ordinal) && !d.StartsWith("localhost", StringComparison.Ordinal),
        // Optional even with LOG_FORWARD: only drains that authenticate their senders want it.
        ["LOG_DRAIN_TOKEN"] = _ => false,
        // The persona map's token_env names: added per map below.
        ["A2A_TOKEN_<PERSONA>"] = _ => false,
    };

    public static IEnumerable<string> Violations(Rendering r)
    {
        var catalog = ConfigCatalog.Secrets();
        foreach (var secret in catalog.Where(s => !NeededWhen.ContainsKey(s.Key)))
        {
            yield return $".env.example has a secret {secret.Key} that SecretInvariant does not classify: say when a deployed router needs it";
        }

        bool IsSecret(string key) => catalog.Any(s => s.Names(key));
        var template = ConfigCatalog.EnvFile(ConfigCatalog.SecretsTemplatePath);
        foreach (var (key, value) in template.Where(t => t.Value.Length > 0))
        {
            yield return $"deploy/k8s/secrets.env.example gives {key} a value: it is a template, values go into the Secret";
        }

        foreach (var secret in r.OfKind("Secret"))
        {
            yield return $"{secret.Describe()} is rendered: secret values never go into the repository";
        }

        foreach (var map in r.OfKind("ConfigMap"))
        {
            foreach (var (key, value) in map["data"] as JsonObject ?? [])
            {
                var text = value?.GetValue<string>() ?? "";
                var leaked = text.Split('\n').Select(line => line.Split('=')[0].Trim()).Prepend(key).Where(IsSecret).Distinct().ToList();
                foreach (var name in leaked)
                {
                    yield return $"{map.Describe()} holds the secret {name}";
                }
            }
        }

        foreach (var d in r.SiloDeployments())
        {
            foreach (var problem in Deployment(r, d, catalog, template))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> Deployment(Rendering r, JsonObject d, IReadOnlyList<CatalogSecret> catalog, IReadOnlyDictionary<string, string> template)
    {
        var router = Silos.RouterOf(d);
        var env = router["env"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var fromSecrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in env)
        {
            var name = e["name"]!.GetValue<string>();
            if (!catalog.Any(s => s.Names(name)))
            {
                continue;
            }

            if (e.ContainsKey("value"))
            {
                yield return $"{d.Describe()}: the secret {name} is a literal value";
            }
            else if (e["valueFrom"]?["secretKeyRef"] is null)
            {
                yield return $"{d.Describe()}: the secret {name} comes from something other than a Secret";
            }
            else
            {
                fromSecrets.Add(name);
            }
        }

        foreach (var source in router["envFrom"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (source["configMapRef"] is not null)
            {
                yield return $"{d.Describe()}: envFrom a ConfigMap could carry secrets; give the router's settings in deploy/configs or as env entries";
            }
        }

        var path = router.EnvValue("ROUTER_SECRETS_FILE") ?? Silos.DefaultSecretsFile;
        var file = Silos.MountedFile(d, router, path);
        var fromFile = file is ({ } volume, { } relative) && volume["secret"] is JsonObject secret && Silos.KeyAt(secret, relative).Length > 0;
        if (!fromFile && fromSecrets.Count == 0)
        {
            yield return $"{d.Describe()}: {path} (ROUTER_SECRETS_FILE) is not a file of a Secret volume, and no secret comes from a secretKeyRef";
        }

        var config = Silos.EffectiveConfig(router);
        var tokens = r.PersonaMap(d) is { } personas ? Silos.TokenVariables(personas) : [];
        var needed = NeededWhen.Where(n => n.Value(config)).Select(n => n.Key).Concat(tokens).Distinct(StringComparer.Ordinal);
        foreach (var key in needed)
        {
            if (!fromSecrets.Contains(key) && !(fromFile && template.ContainsKey(key)))
            {
                yield return $"{d.Describe()} needs {key}, which neither the secrets file (deploy/k8s/secrets.env.example) nor a secretKeyRef provides";
            }

            var rotation = catalog.First(s => s.Names(key)).RotationDays;
            var rotatedAt = $"{key}_ROTATED_AT";
            if (rotation is not null && !(fromFile && template.ContainsKey(rotatedAt)) && router.Env(rotatedAt) is null)
            {
                yield return $"{d.Describe()}: {key} has a {rotation}-day rotation policy but nothing provides {rotatedAt}";
            }
        }
    }
}
