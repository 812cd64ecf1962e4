using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Image;

/// <summary>What the image promises, read from the Containerfile itself (no image can be built on this machine).</summary>
public sealed class ContainerfileTests
{
    private static readonly Containerfile Image = Containerfile.Load();
    private static readonly Dictionary<string, string> Arguments = new() { ["BUILD_SHA"] = "0123abc", ["VERSION"] = "1.2.3", ["SOURCE"] = "https://git.example/router" };

    [Fact]
    public void Every_port_the_router_serves_is_exposed()
    {
        // HTTP (healthz, webhook), dashboard, metrics, silo, gateway: the defaults of a deployed environment.
        Assert.Superset(new HashSet<string> { "8080", "8081", "9464", "11111", "30000" }, Image.ExposedPorts.ToHashSet());
    }

    [Fact]
    public void The_final_image_has_the_runtime_but_no_SDK_and_runs_as_an_unprivileged_user()
    {
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", Image.BaseImage, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet/sdk", Image.FinalStage, StringComparison.Ordinal);
        Assert.NotNull(Image.User);
        Assert.Matches("^[1-9][0-9]*:[1-9][0-9]*$", Image.User);
    }

    [Fact]
    public void The_entrypoint_is_the_runbooks_launch_and_the_build_sha_reaches_the_logs()
    {
        Assert.Equal(["/app/ops/launch.sh"], Image.Entrypoint);
        Assert.Equal("/app", Image.WorkingDirectory);
        Assert.Contains("BUILD_SHA", Image.BuildArguments);
        Assert.Equal("0123abc", Image.Environment(Arguments)["BUILD_SHA"]);
        Assert.Contains("ops/stage-release.sh /app --id \"$BUILD_SHA\"", Image.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_is_labelled_with_its_source_revision_and_version()
    {
        var labels = Image.Labels(Arguments);

        Assert.Equal("https://git.example/router", labels["org.opencontainers.image.source"]);
        Assert.Equal("0123abc", labels["org.opencontainers.image.revision"]);
        Assert.Equal("1.2.3", labels["org.opencontainers.image.version"]);
    }

    [Fact]
    public void The_image_takes_its_cluster_from_the_environments_configuration_so_containers_and_VMs_join_one_cluster()
    {
        var environment = Image.Environment(Arguments);
        var production = File.ReadAllLines(Path.Combine(RouterProcess.RepositoryRoot(), "deploy", "configs", "production.env"));

        Assert.Equal("production", environment["ROUTER_ENV"]);
        Assert.DoesNotContain("ORLEANS_CLUSTER_ID", environment.Keys);
        Assert.DoesNotContain("ORLEANS_SERVICE_ID", environment.Keys);
        Assert.Contains(production, line => line.StartsWith("ORLEANS_CLUSTER_ID=orleans-router-production", StringComparison.Ordinal));
    }
}
