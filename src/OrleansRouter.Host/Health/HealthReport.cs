using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Personas;
using OrleansRouter.Queues;

namespace OrleansRouter.Host.Health;

/// <summary>
/// The two bodies of <c>/healthz</c>. <see cref="Public"/> holds states only, what probes, <c>ops/smoke.sh</c> and the
/// runbook's checks read: <c>status</c>, <c>router.state</c>, <c>telegram.status</c> and <c>.transport</c>,
/// <c>storage.status</c>, <c>a2a.status</c>, <c>queue.depth</c>, and <c>build</c>. <see cref="Detailed"/> adds what
/// helps an operator and would help an attacker: the probes' texts (exception messages, the bot's name, what an
/// agent said), the personas with their agents' states, rate windows and their use, the retry cache, the log drain.
/// Every string in it passes the <see cref="Redactor"/>. <c>docs/observability.md</c> has the table.
/// </summary>
public sealed class HealthReport(
    RouterHealth health,
    QueueGauge gauge,
    QueueOptions queue,
    PersonaMap personas,
    RouterSettings settings,
    Redactor redactor,
    IServiceProvider services)
{
    private readonly LogForwardingSink? _forwarding = services.GetService<LogForwardingSink>();

    /// <param name="ready">The router's readiness, read before anything else of the report.</param>
    public JsonObject Public(bool ready) => new()
    {
        ["status"] = ready ? "ready" : "not_ready",
        ["router"] = new JsonObject { ["state"] = State() },
        ["telegram"] = new JsonObject { ["status"] = health.Telegram.Status, ["transport"] = Transport() },
        ["storage"] = new JsonObject { ["status"] = health.Storage.Status },
        ["a2a"] = new JsonObject { ["status"] = health.AgentsStatus },
        ["queue"] = new JsonObject { ["depth"] = gauge.Depth },
        ["build"] = Build(),
    };

    /// <param name="ready">The router's readiness, read before anything else of the report.</param>
    public JsonObject Detailed(bool ready)
    {
        var agents = health.Agents;
        var telegram = health.Telegram;
        var report = new JsonObject
        {
            ["status"] = ready ? "ready" : "not_ready",
            ["router"] = new JsonObject
            {
                ["state"] = State(),
                ["uptime_seconds"] = Math.Round(health.Uptime.TotalSeconds, 1),
            },
            ["telegram"] = new JsonObject
            {
                ["status"] = telegram.Status,
                ["transport"] = Transport(),
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
                ["rate_window"] = new JsonObject(personas.All.Select(p => KeyValuePair.Create<string, JsonNode?>(p.Name, RateWindowOf(p)))),
            },
            ["build"] = Build(),
        };
        if (_forwarding is { } forwarding)
        {
            report["logging"] = new JsonObject
            {
                ["forward"] = forwarding.Target.ToString(),
                ["connected"] = forwarding.Connected,
                ["sent"] = forwarding.Sent,
                ["dropped"] = forwarding.Dropped,
                ["truncated"] = forwarding.Truncated,
            };
        }

        return (JsonObject)Redacted(report)!;
    }

    private string State() => health.State.ToString().ToLowerInvariant();

    private string Transport() => settings.Telegram.Mode.ToString().ToLowerInvariant();

    /// <summary>What runs, so that a smoke check or an operator can tell which release and configuration answered.</summary>
    private JsonObject Build() => new()
    {
        ["sha"] = settings.Audit.BuildSha,
        ["config_manifest_hash"] = settings.ManifestHash,
    };

    private JsonObject RateWindowOf(Persona persona)
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

    /// <summary>A copy with every string, names included, through the redactor; numbers and booleans as they are.</summary>
    private JsonNode? Redacted(JsonNode? node) => node switch
    {
        JsonObject o => RedactedObject(o),
        JsonArray a => new JsonArray([.. a.Select(Redacted)]),
        JsonValue v when v.TryGetValue<string>(out var text) => JsonValue.Create(redactor.Redact(text)),
        _ => node?.DeepClone(),
    };

    /// <summary>Two names that redact alike stay two entries.</summary>
    private JsonObject RedactedObject(JsonObject source)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in source)
        {
            var name = redactor.Redact(key);
            for (var n = 2; copy.ContainsKey(name); n++)
            {
                name = $"{redactor.Redact(key)} {n}";
            }

            copy[name] = Redacted(value);
        }

        return copy;
    }
}
