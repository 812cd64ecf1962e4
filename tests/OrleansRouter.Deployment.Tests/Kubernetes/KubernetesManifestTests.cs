using System.Globalization;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Kubernetes;

/// <summary>
/// deploy/k8s rendered with <c>kubectl kustomize</c>, validated against the Kubernetes schemas
/// (tests/tools/k8s-validate), and held to the invariants of the issue and to checkov's Kubernetes checks
/// (mirrored in <see cref="CheckovRules"/>: checkov itself cannot be installed here). Each invariant and each
/// rule is also run on manifests changed to break it, so that none of them passes by being unable to fail.
/// </summary>
public sealed class KubernetesManifestTests(RenderedManifests manifests) : IClassFixture<RenderedManifests>
{
    public static TheoryData<string> Targets => new(RenderedManifests.Targets);

    public static TheoryData<string> Overlays => new(RenderedManifests.Overlays);

    public static TheoryData<string> InvariantNames => new(ManifestInvariants.All.Select(i => i.Name));

    public static TheoryData<string> CheckovIds => new(CheckovRules.All.Select(r => r.Id));

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Each_kustomization_renders_and_every_document_validates_against_the_Kubernetes_schemas(string target)
    {
        var rendering = await manifests.Of(target);

        Assert.Superset(
            new HashSet<string> { "ServiceAccount", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget", "NetworkPolicy" },
            rendering.Objects.Select(o => o.Kind()!).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Each_overlay_holds_every_invariant_of_the_issue(string overlay)
    {
        var rendering = await manifests.Of(overlay);

        var violations = ManifestInvariants.All.SelectMany(i => i.Violations(rendering).Select(v => $"{i.Name}: {v}")).ToList();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Theory]
    [MemberData(nameof(InvariantNames))]
    public async Task Each_invariant_fails_on_production_manifests_changed_to_break_it(string name)
    {
        var invariant = ManifestInvariants.All.Single(i => i.Name == name);
        var production = await manifests.Of("overlays/production");

        Assert.Empty(invariant.Violations(production));
        Assert.NotEmpty(invariant.Violations(production.With(invariant.Break)));
    }

    [Fact]
    public async Task A_persona_token_is_served_by_the_secrets_file_or_a_secretKeyRef_and_by_nothing_else()
    {
        var production = await manifests.Of("overlays/production");
        static void AddPersona(Rendering r)
        {
            var map = r.OfKind("ConfigMap").Single(m => m.Name()!.StartsWith("telegram-router-personas", StringComparison.Ordinal));
            var personas = JsonNode.Parse(map["data"]!["personas.json"]!.GetValue<string>())!;
            personas["personas"]!["planner"] = new JsonObject
            {
                ["agent_url"] = "https://agents.example.com/planner",
                ["auth"] = new JsonObject { ["scheme"] = "bearer", ["token_env"] = "A2A_TOKEN_PLANNER" },
            };
            map["data"]!["personas.json"] = personas.ToJsonString();
        }

        var unserved = SecretInvariant.Violations(production.With(AddPersona)).ToList();
        var fromSecretKeyRef = SecretInvariant.Violations(production.With(r =>
        {
            AddPersona(r);
            foreach (var d in r.SiloDeployments())
            {
                Silos.RouterOf(d)["env"]!.AsArray().Add(new JsonObject
                {
                    ["name"] = "A2A_TOKEN_PLANNER",
                    ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "planner", ["key"] = "token" } },
                });
                Silos.RouterOf(d)["env"]!.AsArray().Add(new JsonObject { ["name"] = "A2A_TOKEN_PLANNER_ROTATED_AT", ["value"] = "2026-11-30" });
            }
        })).ToList();

        Assert.Contains(unserved, v => v.Contains("needs A2A_TOKEN_PLANNER", StringComparison.Ordinal));
        Assert.Contains(unserved, v => v.Contains("nothing provides A2A_TOKEN_PLANNER_ROTATED_AT", StringComparison.Ordinal));
        Assert.Empty(fromSecretKeyRef);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Checkov_finds_nothing_that_is_not_waived_with_a_reason(string target)
    {
        var scan = CheckovScan.Run(await manifests.Of(target));

        Assert.True(scan.Problems.Count == 0, string.Join("\n", scan.Problems));
        Assert.All(scan.Waived, w => Assert.False(string.IsNullOrWhiteSpace(w.WaiverReason)));
        Assert.Empty(CheckovScan.CommentWaivers(Rendering.Directory(".")));
    }

    [Theory]
    [MemberData(nameof(CheckovIds))]
    public async Task Each_checkov_rule_fails_on_production_manifests_changed_to_break_it(string id)
    {
        var rule = CheckovRules.All.Single(r => r.Id == id);
        var production = await manifests.Of("overlays/production");

        Assert.Empty(CheckovScan.Run(production, [rule]).Problems);
        var broken = CheckovScan.Run(production.With(rule.Break), [rule]).Problems;
        Assert.Contains(broken, p => p.Contains(id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("CKV_K8S_40", "gives no reason")]
    [InlineData("CKV_K8S_40=", "has an empty reason")]
    [InlineData("CKV_K8S_40=  ", "has an empty reason")]
    [InlineData("CKV_K8S_40=uid=1654", "more than one \"=\"")]
    public async Task A_waiver_without_a_reason_that_checkov_can_read_waives_nothing(string annotation, string problem)
    {
        var production = await manifests.Of("overlays/production");

        var scan = CheckovScan.Run(production.With(r => r.Get("Deployment", Silos.Active)["metadata"]!["annotations"]!["checkov.io/skip1"] = annotation));

        Assert.Contains(scan.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Contains(scan.Problems, p => p.StartsWith("CKV_K8S_40 ", StringComparison.Ordinal) && p.Contains("no waiver", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_waiver_of_a_check_that_passes_or_is_not_mirrored_is_a_problem()
    {
        var production = await manifests.Of("overlays/production");

        var scan = CheckovScan.Run(production.With(r =>
        {
            var annotations = r.Get("Deployment", Silos.Active)["metadata"]!["annotations"]!;
            annotations["checkov.io/skip2"] = "CKV_K8S_20=just in case";
            annotations["checkov.io/skip3"] = "CKV_K8S_999=unknown";
        }));

        Assert.Contains(scan.Problems, p => p.Contains("waiver of CKV_K8S_20 waives nothing", StringComparison.Ordinal));
        Assert.Contains(scan.Problems, p => p.Contains("CKV_K8S_999, which is not mirrored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kind_whose_checkov_checks_are_not_mirrored_is_a_problem()
    {
        var production = await manifests.Of("overlays/production");

        var scan = CheckovScan.Run(production.With(r => r.Documents.Add(new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "Role",
            ["metadata"] = new JsonObject { ["name"] = "reader", ["namespace"] = "ops" },
        })));

        Assert.Contains(scan.Problems, p => p.StartsWith("Role reader: checkov has checks for this kind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_comment_waiver_in_the_sources_is_reported_because_checkov_does_not_read_it()
    {
        var directory = Directory.CreateTempSubdirectory("k8s-comment-waiver-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "deployment.yaml"), "# checkov:skip=CKV_K8S_40: a reason\nkind: Deployment\n");

            Assert.Single(CheckovScan.CommentWaivers(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("a wrong type", "spec.replicas: must be integer")]
    [InlineData("an unknown field", "unknown field \"spec.template.spec.containers[0].imagePullPolice\"")]
    [InlineData("a wrong enum", "spec.strategy.type: must be equal to one of the allowed values: Recreate, RollingUpdate")]
    [InlineData("an unknown metadata field", "unknown field \"metadata.namespaces\"")]
    [InlineData("a missing required field", "spec: must have required property selector")]
    public async Task The_schema_validator_rejects_a_document_with(string change, string message)
    {
        const string Valid = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: probe
            spec:
              selector:
                matchLabels: { app: probe }
              template:
                metadata:
                  labels: { app: probe }
                spec:
                  containers:
                    - name: router
                      image: x
            """;
        var accepted = await SchemaValidator.ValidateAsync(Valid);
        Assert.Equal(0, accepted.ExitCode);
        var document = JsonNode.Parse(accepted.StandardOutput)![0]!.AsObject();
        Action<JsonObject> breaking = change switch
        {
            "a wrong type" => d => d["spec"]!["replicas"] = "two",
            "an unknown field" => d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolice"] = "Always",
            "a wrong enum" => d => d["spec"]!["strategy"] = new JsonObject { ["type"] = "Sometimes" },
            "an unknown metadata field" => d => d["metadata"]!["namespaces"] = "ops",
            _ => d => d["spec"]!.AsObject().Remove("selector"),
        };
        breaking(document);

        // JSON is YAML: the changed document goes back through the same parser.
        var rejected = await SchemaValidator.ValidateAsync(document.ToJsonString());

        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains(message, rejected.StandardError, StringComparison.Ordinal);
        Assert.Empty(rejected.StandardOutput);
    }

    [Theory]
    [InlineData("apiVersion: policy/v1\nkind: PodDisruptionBudgets\nmetadata: { name: x }", "unknown kind: policy/v1 PodDisruptionBudgets")]
    [InlineData("apiVersion: v1\nkind: Deployment\nmetadata: { name: x }", "unknown kind: v1 Deployment")]
    [InlineData("kind: ConfigMap\nmetadata: { name: x }", "no Kubernetes kind for apiVersion undefined")]
    public async Task The_schema_validator_fails_on_a_kind_it_has_no_schema_for(string yaml, string message)
    {
        var result = await SchemaValidator.ValidateAsync("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: fine }\n---\n" + yaml);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_kubectl_or_node_fails_with_what_to_install()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => Tools.Find("kubectl", Tools.KubectlHint, searchPath: "/nonexistent"));

        Assert.Contains("`kubectl` is not on PATH: install kubectl", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_config_guard_accepts_what_each_silo_of_an_overlay_is_given(string overlay)
    {
        var rendering = await manifests.Of(overlay);
        var directory = Directory.CreateTempSubdirectory("k8s-guard-").FullName;
        try
        {
            var secrets = Path.Combine(directory, ".env.runtime");
            await File.WriteAllLinesAsync(secrets, ConfigCatalog.EnvFile(ConfigCatalog.SecretsTemplatePath).Keys.Select(k => $"{k}={FakeSecret(k)}"));
            // The TLS Secret's files, made for the test: the guard reads them at the mounted paths' stand-ins.
            using var ca = TestCertificateAuthority.Create("k8s-guard-ca");
            var tls = ca.Issue(directory, "silo");
            foreach (var deployment in rendering.SiloDeployments())
            {
                var router = Silos.RouterOf(deployment);
                var personas = Path.Combine(directory, $"{deployment.Name()}-personas.json");
                await File.WriteAllTextAsync(personas, rendering.PersonaMap(deployment)!.ToJsonString());
                var environment = Environment(router, personas, tls);
                var otel = router["args"]?.AsArray().Select(a => a!.GetValue<string>()).ToArray() ?? [];
                var config = Path.Combine(ConfigCatalog.Root, "deploy", "configs", $"{environment["ROUTER_ENV"]}.env");

                await using var check = RouterProcess.Start(environment, ["--check-config", "--env-file", config, "--env-file", secrets, .. otel]);

                var exit = await check.WaitForExitAsync(TimeSpan.FromMinutes(2));
                Assert.True(exit == 0, $"{deployment.Describe()}: the config guard exited {exit}:\n{check.Output}");
                Assert.Equal("valid", Assert.Single(check.EventsNamed("config.checked"))["status"]!.GetValue<string>());
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The container's environment as the kubelet would set it: literals, the pod IP for the downward API, the persona
    /// map and the TLS files at local paths.
    /// </summary>
    private static Dictionary<string, string> Environment(JsonObject router, string personas, TestTlsFiles tls)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in router["env"]!.AsArray().OfType<JsonObject>())
        {
            var name = e["name"]!.GetValue<string>();
            environment[name] = e["value"]?.GetValue<string>()
                ?? (e["valueFrom"]?["fieldRef"]?["fieldPath"]?.GetValue<string>() == "status.podIP" ? "10.244.1.17" : throw new InvalidOperationException($"no stand-in for {name}"));
        }

        environment["PERSONA_MAP_FILE"] = personas;
        if (Silos.EffectiveConfig(router).GetValueOrDefault("ORLEANS_TLS") == "mutual")
        {
            foreach (var (key, value) in tls.Settings.Where(s => s.Key != "ORLEANS_TLS"))
            {
                environment[key] = value;
            }
        }

        // ":8080" means every interface; RouterProcess makes a URL of HTTP_ENDPOINT, which needs a host.
        if (environment.GetValueOrDefault("HTTP_ENDPOINT") is [':', ..] port)
        {
            environment["HTTP_ENDPOINT"] = "0.0.0.0" + port;
        }

        return environment;
    }

    private static string FakeSecret(string key) => key switch
    {
        "TELEGRAM_BOT_TOKEN" => "123456789:AAE-k8s-guard-token-abcdefghijkl",
        "REDIS_CONNECTION_STRING" => "redis.ops.svc:6379,password=k8s-guard-redis",
        "CHAT_ID_HASH_SALT" => "k8s-guard-salt-0123456789abcdef",
        _ when key.EndsWith("_ROTATED_AT", StringComparison.Ordinal) => DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ when key.StartsWith("SECRET_VERSION_", StringComparison.Ordinal) => "1",
        _ => $"k8s-guard-{key.ToLowerInvariant()}",
    };
}
