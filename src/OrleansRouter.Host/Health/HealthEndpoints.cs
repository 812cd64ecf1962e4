using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansRouter.Host.Dashboard;

namespace OrleansRouter.Host.Health;

/// <summary>
/// <c>/livez</c>: the process answers (no remote call). <c>/healthz</c>: 200 only when the router is ready, else 503.
/// Its body is states only for anyone (<see cref="HealthReport.Public"/>), and states with details for this machine
/// or the dashboard's credentials (<see cref="HealthReport.Detailed"/>, see <see cref="HealthAudience"/>).
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/livez", (RouterHealth health) => Results.Json(new { status = "alive", uptime_seconds = Math.Round(health.Uptime.TotalSeconds, 1) }));
        endpoints.MapGet("/healthz", (HttpContext context, HealthAudience audience, HealthReport report, RouterHealth health) =>
        {
            var (view, retryAfter) = audience.Decide(context);
            switch (view)
            {
                case HealthView.Throttled:
                    OperatorCredentials.TooManyAttempts(context.Response, retryAfter!.Value);
                    return Results.Empty;
                case HealthView.Unauthorized:
                    OperatorCredentials.Challenge(context.Response);
                    return Results.Empty;
            }

            // Read once, before the parts: a 200 then never comes with a part read before it was ready.
            var ready = health.IsReady;
            var body = view == HealthView.Detailed ? report.Detailed(ready) : report.Public(ready);
            return Results.Content(body.ToJsonString(), "application/json", statusCode: ready ? 200 : 503);
        });
        return endpoints;
    }
}
