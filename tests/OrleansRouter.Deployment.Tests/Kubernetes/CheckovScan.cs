using System.Text.Json.Nodes;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>A check that failed on a resource, and the waiver's reason if one covers it.</summary>
public sealed record CheckovFinding(CheckovRule Rule, string Resource, string? WaiverReason)
{
    public override string ToString() => $"{Rule} fails on {Resource}" + (WaiverReason is null ? "" : $", waived: {WaiverReason}");
}

/// <summary>
/// The mirrored checkov rules run over a rendering, with checkov's waivers. checkov's Kubernetes framework reads
/// a waiver from an annotation of the resource, <c>checkov.io/skip1: CKV_K8S_40=reason</c> (any key containing
/// <c>checkov.io/skip</c>, <c>bridgecrew.io/skip</c> or <c>cortex.io/skip</c>), and it splits the value on
/// "=": so exactly one "=" and a reason after it. It does not read <c># checkov:skip=</c> comments in
/// Kubernetes YAML (that is the syntax of its Terraform and CloudFormation frameworks), and kustomize drops
/// comments when it renders; such a comment is reported as a problem here.
/// </summary>
public sealed class CheckovScan
{
    private static readonly string[] SkipPrefixes = ["checkov.io/skip", "bridgecrew.io/skip", "cortex.io/skip"];

    private CheckovScan(IReadOnlyList<CheckovFinding> findings, IReadOnlyList<string> problems)
    {
        Findings = findings;
        Problems = problems;
    }

    public IReadOnlyList<CheckovFinding> Findings { get; }

    /// <summary>Everything wrong: unwaived findings, waivers without a usable reason or without a finding, kinds not covered.</summary>
    public IReadOnlyList<string> Problems { get; }

    public IEnumerable<CheckovFinding> Waived => Findings.Where(f => f.WaiverReason is not null);

    public static CheckovScan Run(Rendering rendering, IEnumerable<CheckovRule>? rules = null)
    {
        var table = (rules ?? CheckovRules.All).ToList();
        var findings = new List<CheckovFinding>();
        var problems = new List<string>();
        foreach (var resource in rendering.Objects)
        {
            if (!CheckovRules.CoveredKinds.Contains(resource.Kind() ?? ""))
            {
                problems.Add($"{resource.Describe()}: checkov has checks for this kind that are not mirrored here; add them to CheckovRules");
            }

            var waivers = Waivers(resource, problems);
            foreach (var rule in table.Where(r => r.Kinds.Contains(resource.Kind() ?? "")))
            {
                if (rule.Passes(resource, rendering))
                {
                    if (waivers.ContainsKey(rule.Id))
                    {
                        problems.Add($"{resource.Describe()}: the waiver of {rule.Id} waives nothing (the check passes): remove it");
                    }

                    continue;
                }

                var reason = waivers.GetValueOrDefault(rule.Id);
                findings.Add(new CheckovFinding(rule, resource.Describe(), reason));
                if (reason is null)
                {
                    problems.Add($"{rule} fails on {resource.Describe()} with no waiver");
                }
            }

            foreach (var id in waivers.Keys.Where(id => CheckovRules.All.All(r => r.Id != id)))
            {
                problems.Add($"{resource.Describe()}: waives {id}, which is not mirrored here; add the rule or drop the waiver");
            }
        }

        return new CheckovScan(findings, problems);
    }

    /// <summary>The waivers of a resource, by check id, with a problem for each one checkov could not read or that gives no reason.</summary>
    private static Dictionary<string, string> Waivers(JsonObject resource, List<string> problems)
    {
        var waivers = new Dictionary<string, string>(StringComparer.Ordinal);
        var annotations = resource["metadata"]?["annotations"] as JsonObject ?? [];
        foreach (var (key, value) in annotations)
        {
            if (!SkipPrefixes.Any(p => key.Contains(p, StringComparison.Ordinal)))
            {
                continue;
            }

            var parts = (value?.GetValue<string>() ?? "").Split('=');
            if (parts.Length != 2)
            {
                problems.Add(parts.Length == 1
                    ? $"{resource.Describe()}: the waiver {key} gives no reason (write ID=reason)"
                    : $"{resource.Describe()}: the waiver {key} has more than one \"=\", which checkov cannot read (it splits on \"=\")");
                continue;
            }

            if (string.IsNullOrWhiteSpace(parts[1]))
            {
                problems.Add($"{resource.Describe()}: the waiver of {parts[0]} has an empty reason");
                continue;
            }

            waivers[parts[0].Trim()] = parts[1].Trim();
        }

        return waivers;
    }

    /// <summary><c># checkov:skip=</c> comments in the manifests' sources: checkov's Kubernetes framework does not read them.</summary>
    public static IEnumerable<string> CommentWaivers(string directory) =>
        Directory.EnumerateFiles(directory, "*.y*ml", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => System.Text.RegularExpressions.Regex.IsMatch(x.line, @"#.*\b(checkov|bridgecrew|cortex):skip=", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
            .Select(x => $"{Path.GetRelativePath(directory, x.file)}:{x.i + 1}: a comment waiver is not read by checkov's Kubernetes framework; use a checkov.io/skipN annotation");
}
