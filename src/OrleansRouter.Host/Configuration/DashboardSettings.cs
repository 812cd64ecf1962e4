namespace OrleansRouter.Host.Configuration;

/// <param name="Credentials">Basic authentication for every dashboard request; required off loopback.</param>
/// <param name="ShowsTrace">Whether the dashboard streams the live log (never in production).</param>
public sealed record DashboardSettings(HttpEndpoint Endpoint, DashboardCredentials? Credentials, bool ShowsTrace)
{
    /// <summary>HTTPS on the dashboard's port; null for plain HTTP (loopback, or local).</summary>
    public DashboardTls? Tls { get; init; }
}

public sealed record DashboardCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username}:********";
}
