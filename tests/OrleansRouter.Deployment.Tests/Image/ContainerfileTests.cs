using System.Text.RegularExpressions;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Image;

/// <summary>What the image promises, read from the Containerfile itself (no image can be built on this machine).</summary>
public sealed partial class ContainerfileTests
{
    private static readonly string Containerfile = File.ReadAllText(Path.Combine(RouterProcess.RepositoryRoot(), "Containerfile"));

    [Fact]
    public void Every_port_the_router_serves_is_exposed()
    {
        var exposed = Expose().Matches(Containerfile)
            .SelectMany(m => m.Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet();

        // HTTP (healthz, webhook), dashboard, metrics, silo, gateway: the defaults of a deployed environment.
        Assert.Superset(new HashSet<string> { "8080", "8081", "9464", "11111", "30000" }, exposed);
    }

    [GeneratedRegex(@"^EXPOSE\s+(?<ports>[0-9 ]+)$", RegexOptions.Multiline)]
    private static partial Regex Expose();
}
