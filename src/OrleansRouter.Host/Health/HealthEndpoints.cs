using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Personas;
using OrleansRouter.Queues;

namespace OrleansRouter.Host.Health;

/// <summary>
/// <c>/livez</c>: the process answers (no remote call). <c>/healthz</c>: 200 only when the router is ready, else 503,
/// with <c>router.state</c>, <c>telegram.status</c>, <c>a2a.status</c>, <c>queue.depth</c>, <c>retry_cache.usage</c>
/// and <c>persona.rate_window</c> in the body either way, and the build and configuration that answered.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/livez", (RouterHealth health) => Results.Json(new { status = "alive", uptime_seconds = Math.Round(health.Uptime.TotalSeconds, 1) }));
        endpoints.MapGet("/healthz", (RouterHealth health, QueueGauge gauge, QueueOptions queue, PersonaMap personas, RouterSettings settings, IServiceProvider services) =>
        {
            var report = Report(health, gauge, queue, personas);
            report["telegram"]!["transport"] = settings.Telegram.Mode.ToString().ToLowerInvariant();

            // What runs, so that a smoke check or an operator can tell which release and configuration answered.
            report["build"] = new JsonObject
            {
                ["sha"] = settings.Audit.BuildSha,
                ["config_manifest_hash"] = settings.ManifestHash,
            };
            if (services.GetService<LogForwardingSink>() is { } forwarding)
            {
                report["logging"] = new JsonObject
                {
                    ["forward"] = forwarding.Target.ToString(),
                    ["connected"] = forwarding.Connected,
                    ["sent"] = forwarding.Sent,
                    ["dropped"] = forwarding.Dropped,
                };
            }

            return Results.Content(report.ToJsonString(), "application/json", statusCode: health.IsReady ? 200 : 503);
        });
        return endpoints;
    }

    public static JsonObject Report(RouterHealth health, QueueGauge gauge, QueueOptions queue, PersonaMap personas)
    {
        var agents = health.Agents;
        var telegram = health.Telegram;
        return new JsonObject
        {
            ["status"] = health.IsReady ? "ready" : "not_ready",
            ["router"] = new JsonObject
            {
                ["state"] = health.State.ToString().ToLowerInvariant(),
                ["uptime_seconds"] = Math.Round(health.Uptime.TotalSeconds, 1),
            },
            ["telegram"] = new JsonObject
            {
                ["status"] = telegram.Status,
                ["detail"] = telegram.Detail,
                ["last_poll_error"] = health.LastPollError,
            },
            ["storage"] = new JsonObject
            {
                ["status"] = health.Storage.Status,
                ["detail"] = health.Storage.Detail,
            },
            ["a2a"] = new JsonObject
            {
                ["status"] = health.AgentsStatus,
                ["personas"] = new JsonObject(personas.All.Select(p => KeyValuePair.Create<string, JsonNode?>(p.Name, new JsonObject
                {
                    ["status"] = agents.GetValueOrDefault(p.Name, ComponentHealth.Unknown).Status,
                    ["detail"] = agents.GetValueOrDefault(p.Name, ComponentHealth.Unknown).Detail,
                }))),
            },
            ["queue"] = new JsonObject { ["depth"] = gauge.Depth },
            ["retry_cache"] = new JsonObject
            {
                ["usage"] = Math.Round((double)gauge.Retrying / queue.RetryCacheCapacity, 4),
                ["chats"] = gauge.Retrying,
                ["capacity"] = queue.RetryCacheCapacity,
            },
            ["persona"] = new JsonObject
            {
                ["rate_window"] = new JsonObject(personas.All.Select(p => KeyValuePair.Create<string, JsonNode?>(p.Name, RateWindowOf(p, health)))),
            },
        };
    }

    private static JsonObject RateWindowOf(Persona persona, RouterHealth health)
    {
        if (persona.RateWindow is not { } window)
        {
            return new JsonObject { ["window"] = null };
        }

        var usage = health.RateWindows.FirstOrDefault(u => u.Persona == persona.Name);
        return new JsonObject
        {
            ["window"] = RateWindow.FormatWindow(window.Window),
            ["max_per_chat"] = window.MaxPerChat,
            ["max_total"] = window.MaxTotal,
            ["used_total"] = usage?.UsedTotal,
            ["chats_counted"] = usage?.ChatsCounted,
        };
    }
}
