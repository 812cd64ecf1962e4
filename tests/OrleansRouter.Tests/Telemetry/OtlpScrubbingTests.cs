using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Testing;
using Serilog;

namespace OrleansRouter.Tests.Telemetry;

/// <summary>
/// The router's OTLP pipelines (the span scrubber ahead of the real OTLP exporter, the redacting log sink ahead of the
/// real OTLP log sink) against a collector on loopback: a secret and a raw chat id put everywhere a span or a log
/// event can carry text reach it only as <c>[redacted]</c>.
/// </summary>
public sealed class OtlpScrubbingTests
{
    private const string Token = "123456789:AAE-scrub-token-abcdefghijkl";
    private const string ChatId = "-1001234567890";
    private const string Source = "OrleansRouter.Tests.Scrubbing";

    [Fact]
    public async Task A_secret_and_a_chat_id_in_a_span_exception_status_tag_and_a_log_template_never_reach_the_collector()
    {
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        var (collector, url) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, body.ToArray()));
            return Results.Ok();
        }));
        await using var _ = collector;
        var redactor = new Redactor([Token]);
        var failure = new InvalidOperationException($"POST /bot{Token}/sendMessage failed for chat {ChatId} with key {Token}");

        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(Source)
            .AddProcessor(new SpanScrubber(redactor))
            .AddOtlpExporter(exporter =>
            {
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.Endpoint = new Uri(url, "/v1/traces");
                exporter.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        using (var source = new ActivitySource(Source))
        {
            using (var span = source.StartActivity($"call for chat {ChatId}"))
            {
                Assert.NotNull(span);
                span.AddException(failure);
                span.AddEvent(new ActivityEvent($"retry with {Token}"));
                span.SetStatus(ActivityStatusCode.Error, failure.Message);
                span.SetTag("error.detail", failure.Message);
            }

            tracing.ForceFlush();
        }

        using (var logger = new LoggerConfiguration()
            .WriteTo.Sink(RouterLogging.RedactedOtlpSink(new Uri(url, "/v1/logs"), Serilog.Sinks.OpenTelemetry.OtlpProtocol.HttpProtobuf, new Dictionary<string, object>(), redactor))
            .CreateLogger())
        {
            // An interpolated template: the secret and the chat id are in the template's text, not in a property.
            logger.Error(failure, $"Sending to chat {ChatId} with {Token} failed: " + "{reason}", $"the agent said {Token}");
        }

        string Text(string path) => Encoding.UTF8.GetString([.. received.Where(r => r.Path == path).SelectMany(r => r.Body)]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((Text("/v1/traces").Length == 0 || Text("/v1/logs").Length == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var traces = Text("/v1/traces");
        var logs = Text("/v1/logs");
        Assert.Contains("exception", traces, StringComparison.Ordinal);
        Assert.Contains("failed for chat [redacted] with key [redacted]", traces, StringComparison.Ordinal);
        Assert.Contains("Sending to chat [redacted] with [redacted] failed", logs, StringComparison.Ordinal);
        foreach (var leaked in new[] { Token, "AAE-scrub-token", ChatId, ChatId.TrimStart('-') })
        {
            Assert.DoesNotContain(leaked, traces + logs, StringComparison.Ordinal);
        }
    }
}
