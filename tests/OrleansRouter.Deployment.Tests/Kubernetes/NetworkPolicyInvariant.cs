using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// Orleans' silo and gateway ports carry no authentication: every NetworkPolicy rule that admits traffic to them
/// admits it only from pods of this app in the namespace, and some rule does (or the silos could not meet).
/// </summary>
public static class NetworkPolicyInvariant
{
    private static readonly int[] ClusterPorts = [Silos.SiloPort, Silos.GatewayPort];

    public static IEnumerable<string> Violations(Rendering r)
    {
        foreach (var d in r.SiloDeployments())
        {
            var labels = d.PodLabels();
            var router = Silos.RouterOf(d);
            var policies = r.OfKind("NetworkPolicy")
                .Where(p => (p["spec"]?["podSelector"] as JsonObject) is { } s && (s.Count == 0 || s.Selects(labels)))
                .Where(p => p["spec"]?["policyTypes"] is not JsonArray types || types.Any(t => t?.GetValue<string>() == "Ingress"))
                .ToList();
            if (policies.Count == 0)
            {
                yield return $"{d.Describe()}: no NetworkPolicy restricts its ingress, so every pod in the cluster reaches ports {string.Join(" and ", ClusterPorts)}";
                continue;
            }

            var admittedFromApp = new HashSet<int>();
            foreach (var policy in policies)
            {
                foreach (var (rule, i) in (policy["spec"]?["ingress"]?.AsArray().OfType<JsonObject>() ?? []).Select((x, i) => (x, i)))
                {
                    var ports = ClusterPorts.Where(port => Admits(rule, router, port)).ToList();
                    if (ports.Count == 0)
                    {
                        continue;
                    }

                    if (OnlyFromApp(rule))
                    {
                        admittedFromApp.UnionWith(ports);
                    }
                    else
                    {
                        yield return $"{policy.Describe()} ingress rule {i + 1} admits port(s) {string.Join(", ", ports)} from more than pods of {Silos.App}";
                    }
                }
            }

            foreach (var port in ClusterPorts.Except(admittedFromApp))
            {
                yield return $"{d.Describe()}: no rule admits port {port} from the other silos";
            }
        }
    }

    /// <summary>Whether an ingress rule admits a port: it lists no ports (all), or the number, a range holding it, or the container port's name.</summary>
    private static bool Admits(JsonObject rule, JsonObject container, int port)
    {
        if (rule["ports"] is not JsonArray { Count: > 0 } ports)
        {
            return true;
        }

        return ports.OfType<JsonObject>().Any(p =>
            p["port"] is null
            || container.Port(p["port"]) == port
            || (p["port"].Number() is { } from && p["endPort"].Number() is { } to && from <= port && port <= to));
    }

    /// <summary>Every peer is a podSelector (this namespace) that requires the app's label: no namespaceSelector, no ipBlock, no empty "from".</summary>
    private static bool OnlyFromApp(JsonObject rule) =>
        rule["from"] is JsonArray { Count: > 0 } peers
        && peers.OfType<JsonObject>().All(peer =>
            peer.Count == 1
            && peer["podSelector"]?["matchLabels"]?[Silos.AppLabel]?.GetValue<string>() == Silos.App
            && peer["podSelector"]?["matchExpressions"] is null);
}
