using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary><c>--otel</c>: traces, metrics and logs reach an OTLP/HTTP collector, with no secret in them.</summary>
public sealed class OpenTelemetryTests
{
    /// <summary>The stub Bot API's token, which Telegram.Bot puts in every request URL.</summary>
    private const string StubToken = "7000000001:local-stub-token";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task With_otel_one_trace_per_update_metrics_and_logs_go_to_the_collector_without_the_bot_token()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var (collector, url) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, context.Request.ContentType, body.ToArray()));
            return Results.Ok();
        }));
        await using var _ = collector;
        await using var router = RouterProcess.Start(
            new Dictionary<string, string>
            {
                ["ROUTER_ENV"] = "local",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = url.AbsoluteUri.TrimEnd('/'),
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            },
            "--otel");
        await router.WaitForHealthyAsync();
        using (var post = await Http.PostAsJsonAsync(new Uri(router.HttpUrl, "/stub/chats/42/messages"), new { text = "hello" }))
        {
            post.EnsureSuccessStatusCode();
        }

        // Protobuf keeps strings as UTF-8 bytes: the span of the reply's sendMessage call shows in the raw bytes.
        string Text(string path) => Encoding.UTF8.GetString([.. received.Where(r => r.Path == path).SelectMany(r => r.Body)]);
        // The reply's sendMessage, not the drafts before it (sendMessageDraft), which the streaming echo agent causes.
        bool ReplySpanArrived() => received.Where(r => r.Path == "/v1/traces").SelectMany(r => OtlpSpans.Parse(r.Body))
            .Any(s => s.Attributes.GetValueOrDefault("url.full", "").EndsWith("/bot[redacted]/sendMessage", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(ReplySpanArrived() && Text("/v1/metrics").Length > 0 && Text("/v1/logs").Contains("deploy.audit", StringComparison.Ordinal))
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Contains("/bot[redacted]/sendMessage", Text("/v1/traces"), StringComparison.Ordinal);
        Assert.Contains("IChatGrain", Text("/v1/traces"), StringComparison.Ordinal);
        Assert.Contains("orleans-router", Text("/v1/metrics"), StringComparison.Ordinal);
        Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.Contains("deploy.audit", Text("/v1/logs"), StringComparison.Ordinal);
        Assert.Contains("config_manifest_hash", Text("/v1/logs"), StringComparison.Ordinal);
        Assert.DoesNotContain(StubToken, Text("/v1/traces") + Text("/v1/metrics") + Text("/v1/logs"), StringComparison.Ordinal);

        // One trace for the update: its arrival, the chat's steps, the call to the (built-in) agent and the agent's
        // own server span (traceparent passed on), and the sendMessage of the reply.
        var spans = received.Where(r => r.Path == "/v1/traces").SelectMany(r => OtlpSpans.Parse(r.Body)).ToList();
        var update = Assert.Single(spans, s => s.Name == "telegram.update" && s.Attributes.GetValueOrDefault("chat_id_hash") is not null);
        var trace = spans.Where(s => s.TraceId == update.TraceId).ToList();
        var names = string.Join(", ", trace.Select(s => $"{s.Name} {s.Attributes.GetValueOrDefault("url.full")}{s.Attributes.GetValueOrDefault("url.path")}"));
        Assert.True(trace.Any(s => s.Name == "chat.step" && s.Attributes["chat.stage"] == "Calling"), names);
        Assert.Contains(trace, s => s.Name.Contains("IChatGrain", StringComparison.Ordinal) && s.ParentSpanId == update.SpanId);
        Assert.Contains(trace, s => s.Attributes.GetValueOrDefault("url.full", "").EndsWith("/agents/echo", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Attributes.GetValueOrDefault("url.path") == "/agents/echo" && s.Attributes.ContainsKey("http.route"));
        Assert.Contains(trace, s => s.Attributes.GetValueOrDefault("url.full", "").EndsWith("/bot[redacted]/sendMessage", StringComparison.Ordinal));
    }
}
