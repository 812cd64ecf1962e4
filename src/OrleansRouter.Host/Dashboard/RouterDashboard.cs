using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Dashboard;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Dashboard;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) under <c>/dashboard/</c> on <c>DASHBOARD_ENDPOINT</c>, a port
/// of its own (<see cref="Hosting.SidePorts"/>). With credentials configured, every request to that port needs them
/// (HTTP basic authentication).
/// </summary>
public static class RouterDashboard
{
    public const string Path = "/dashboard";

    public static ISiloBuilder AddRouterDashboard(this ISiloBuilder silo, DashboardSettings dashboard) =>
        silo.AddDashboard(options => options.HideTrace = !dashboard.ShowsTrace);

    public static WebApplication MapRouterDashboard(this WebApplication app, DashboardSettings dashboard)
    {
        var expected = dashboard.Credentials is { } credentials
            ? Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")
            : null;
        app.Use(async (context, next) =>
        {
            var onDashboardPort = context.Connection.LocalPort == dashboard.Endpoint.Port;
            if (onDashboardPort && expected is not null && !Authorized(context.Request, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"orleans-router dashboard\", charset=\"UTF-8\"";
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

    private static bool Authorized(HttpRequest request, byte[] expected)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[512];
        return Convert.TryFromBase64String(header.Parameter, given, out var length) && CryptographicOperations.FixedTimeEquals(given[..length], expected);
    }
}
