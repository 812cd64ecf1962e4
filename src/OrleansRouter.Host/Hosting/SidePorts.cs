using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Dashboard;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// The listeners beside <c>HTTP_ENDPOINT</c>: <c>METRICS_ENDPOINT</c> serves <c>/metrics</c> and
/// <c>DASHBOARD_ENDPOINT</c> serves <c>/dashboard/</c>, each nothing else, and the router's own port serves neither.
/// So a scrape port opened to Prometheus never exposes the stub, the webhook or the dashboard. The dashboard's port
/// serves HTTPS when <c>DASHBOARD_TLS_CERTIFICATE_FILE</c> is set.
/// </summary>
public static class SidePorts
{
    public static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, RouterSettings settings)
    {
        kestrel.Listen(settings.Http.Address, settings.Http.Port);
        if (settings.Metrics.Prometheus is { } metrics)
        {
            kestrel.Listen(metrics.Address, metrics.Port);
        }

        if (settings.Dashboard is { } dashboard)
        {
            // The certificate is loaded once, here; the config guard has already checked that it loads.
            var certificate = dashboard.Tls?.Load();
            kestrel.Listen(dashboard.Endpoint.Address, dashboard.Endpoint.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        }
    }

    public static WebApplication UseSidePorts(this WebApplication app, RouterSettings settings)
    {
        var sides = new Dictionary<int, PathString>();
        if (settings.Metrics.Prometheus is { } metrics)
        {
            sides[metrics.Port] = RouterTelemetry.MetricsPath;
        }

        if (settings.Dashboard is { } dashboard)
        {
            sides[dashboard.Endpoint.Port] = RouterDashboard.Path;
        }

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var allowed = sides.TryGetValue(context.Connection.LocalPort, out var only)
                ? path.StartsWithSegments(only) || (only == RouterDashboard.Path && path == "/")
                : !sides.Values.Any(side => path.StartsWithSegments(side));
            if (!allowed)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        return app;
    }
}
