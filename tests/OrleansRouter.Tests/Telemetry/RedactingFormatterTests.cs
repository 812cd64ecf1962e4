using OrleansRouter.Host.Telemetry;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace OrleansRouter.Tests.Telemetry;

public sealed class RedactingFormatterTests
{
    private static string Format(string message, Exception? exception, params string[] secrets)
    {
        var formatter = new RedactingFormatter(new MessageTemplateTextFormatter("{Message} {Exception}"), secrets);
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Warning, exception, new MessageTemplateParser().Parse(message), []);
        using var output = new StringWriter();
        formatter.Format(logEvent, output);
        return output.ToString();
    }

    [Fact]
    public void Configured_secrets_are_blanked_in_messages_and_exceptions()
    {
        var text = Format("calling with sesame-secret-0001", new InvalidOperationException("failed: sesame-secret-0001"), "sesame-secret-0001");

        Assert.DoesNotContain("sesame-secret-0001", text);
        Assert.Contains("[redacted]", text);
    }

    [Fact]
    public void A_bot_token_in_a_request_url_is_blanked_even_when_unknown()
    {
        var text = Format("POST https://api.telegram.org/bot123456:AAE_unknown-token/sendMessage failed", null);

        Assert.Equal("POST https://api.telegram.org/bot[redacted]/sendMessage failed ", text);
    }

    [Fact]
    public void A_chat_grain_id_in_an_exception_is_blanked()
    {
        var text = Format("failed", new InvalidOperationException("Error writing state for grain chat/3ade68b1 of type ChatGrain"));

        Assert.DoesNotContain("3ade68b1", text);
        Assert.Contains("chat/[redacted]", text);
    }
}
