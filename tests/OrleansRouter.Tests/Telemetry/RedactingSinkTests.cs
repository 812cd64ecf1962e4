using OrleansRouter.Host.Telemetry;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace OrleansRouter.Tests.Telemetry;

/// <summary>Log events leave for OTLP with their values and exception redacted, not just their text.</summary>
public sealed class RedactingSinkTests
{
    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }

    [Fact]
    public void Property_values_nested_values_and_the_exception_are_redacted()
    {
        var capture = new Capture();
        var sink = new RedactingSink(capture, new Redactor(["sesame-secret-0001"]));
        var exception = new HttpRequestException("POST https://api.telegram.org/bot123456:AAE_token-x/sendMessage failed");

        sink.Emit(new LogEvent(
            DateTimeOffset.UtcNow,
            LogEventLevel.Error,
            exception,
            new MessageTemplateParser().Parse("calling {url} with {headers}"),
            [
                new LogEventProperty("url", new ScalarValue("https://agents.example.com/?key=sesame-secret-0001")),
                new LogEventProperty("headers", new StructureValue([new LogEventProperty("Authorization", new ScalarValue("Bearer sesame-secret-0001"))])),
                new LogEventProperty("count", new ScalarValue(3)),
            ]));

        var sent = Assert.Single(capture.Events);
        Assert.Equal("https://agents.example.com/?key=[redacted]", ((ScalarValue)sent.Properties["url"]).Value);
        Assert.Equal("Bearer [redacted]", ((ScalarValue)((StructureValue)sent.Properties["headers"]).Properties[0].Value).Value);
        Assert.Equal(3, ((ScalarValue)sent.Properties["count"]).Value);
        var redacted = Assert.IsType<RedactedException>(sent.Exception);
        Assert.Equal(typeof(HttpRequestException).FullName, redacted.OriginalType);
        Assert.Contains("/bot[redacted]/sendMessage", redacted.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAE_token-x", redacted.ToString(), StringComparison.Ordinal);
    }
}
