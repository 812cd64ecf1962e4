using Serilog.Events;
using Serilog.Formatting;

namespace OrleansRouter.Host.Telemetry;

/// <summary>Each formatted log line, through the <see cref="Redactor"/>.</summary>
public sealed class RedactingFormatter(ITextFormatter inner, Redactor redactor) : ITextFormatter
{
    public RedactingFormatter(ITextFormatter inner, IEnumerable<string> secrets)
        : this(inner, new Redactor(secrets))
    {
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(redactor.Redact(buffer.ToString()));
    }
}
