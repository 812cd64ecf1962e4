using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Dashboard;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) under <c>/dashboard/</c> on <c>DASHBOARD_ENDPOINT</c>, a port
/// of its own (<see cref="Hosting.SidePorts"/>). With credentials configured, every request to that port needs them
/// (HTTP basic authentication), failed attempts slowed by the <see cref="LoginThrottle"/>; off loopback outside local
/// the port serves HTTPS (<c>DASHBOARD_TLS_CERTIFICATE_FILE</c>), so the password never crosses a network in clear.
/// </summary>
public static class RouterDashboard
{
    public const string Path = "/dashboard";

    /// <summary>The operator's credentials and the throttle of failed attempts, shared by the dashboard and <c>/healthz</c>.</summary>
    public static IServiceCollection AddOperatorAccess(this IServiceCollection services, DashboardSettings? dashboard) =>
        services.AddSingleton(new OperatorCredentials(dashboard?.Credentials)).AddSingleton<LoginThrottle>();

    public static ISiloBuilder AddRouterDashboard(this ISiloBuilder silo, DashboardSettings dashboard) =>
        silo.AddDashboard(options => options.HideTrace = !dashboard.ShowsTrace);

    public static WebApplication MapRouterDashboard(this WebApplication app, DashboardSettings dashboard)
    {
        var credentials = app.Services.GetRequiredService<OperatorCredentials>();
        var throttle = app.Services.GetRequiredService<LoginThrottle>();
        app.Use(async (context, next) =>
        {
            var onDashboardPort = context.Connection.LocalPort == dashboard.Endpoint.Port;
            if (onDashboardPort && credentials.Configured && !Admitted(context, credentials, throttle))
            {
                return;
            }

            if (onDashboardPort && context.Request.Path == "/")
            {
                context.Response.Redirect(Path + "/");
                return;
            }

            await next(context);
        });
        app.MapOrleansDashboard(Path);
        return app;
    }

    /// <summary>
    /// Basic authentication under the <see cref="LoginThrottle"/>: an address shut out gets 429 before its password
    /// is looked at; a wrong password 401 (and counts); the right one passes and clears the address.
    /// </summary>
    private static bool Admitted(HttpContext context, OperatorCredentials credentials, LoginThrottle throttle)
    {
        var address = context.Connection.RemoteIpAddress;
        if (throttle.Blocked(address) is { } wait)
        {
            OperatorCredentials.TooManyAttempts(context.Response, wait);
            return false;
        }

        switch (credentials.Check(context.Request))
        {
            case CredentialCheck.Valid:
                throttle.Succeeded(address);
                return true;
            case CredentialCheck.Invalid:
                throttle.Failed(address);
                OperatorCredentials.Challenge(context.Response);
                return false;
            default:
                OperatorCredentials.Challenge(context.Response);
                return false;
        }
    }
}
