using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary><c>--otel</c>: traces and metrics reach an OTLP/HTTP collector, with no secret in them.</summary>
public sealed class OpenTelemetryTests
{
    /// <summary>The stub Bot API's token, which Telegram.Bot puts in every request URL.</summary>
    private const string StubToken = "7000000001:local-stub-token";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task With_otel_spans_and_metrics_go_to_the_collector_without_the_bot_token()
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(Text("/v1/traces").Contains("/bot***/sendMessage", StringComparison.Ordinal) && Text("/v1/metrics").Length > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Contains("/bot***/sendMessage", Text("/v1/traces"), StringComparison.Ordinal);
        Assert.Contains("IChatGrain", Text("/v1/traces"), StringComparison.Ordinal);
        Assert.Contains("orleans-router", Text("/v1/metrics"), StringComparison.Ordinal);
        Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.DoesNotContain(StubToken, Text("/v1/traces") + Text("/v1/metrics"), StringComparison.Ordinal);
    }
}
