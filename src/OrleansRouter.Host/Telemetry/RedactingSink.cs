using Serilog.Core;
using Serilog.Events;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// For sinks that take log events rather than text (OTLP): each event is rebuilt with its string values and its
/// exception passed through the <see cref="Redactor"/> first. The exception becomes a <see cref="RedactedException"/>
/// that keeps the original's type name and redacted text.
/// </summary>
public sealed class RedactingSink(ILogEventSink inner, Redactor redactor) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        var exception = logEvent.Exception is { } e ? new RedactedException(e.GetType().FullName ?? e.GetType().Name, redactor.Redact(e.ToString())) : null;
        inner.Emit(new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            exception,
            logEvent.MessageTemplate,
            logEvent.Properties.Select(p => new LogEventProperty(p.Key, Redact(p.Value))),
            logEvent.TraceId ?? default,
            logEvent.SpanId ?? default));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => new ScalarValue(redactor.Redact(text)),
        ScalarValue => value,
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(Redact)),
        StructureValue structure => new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value))), structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(e => KeyValuePair.Create(e.Key, Redact(e.Value)))),
        _ => new ScalarValue(redactor.Redact(value.ToString())),
    };
}

/// <summary>An exception as a log event may carry it once its text is redacted.</summary>
public sealed class RedactedException(string type, string redacted) : Exception(redacted)
{
    public string OriginalType { get; } = type;

    public override string ToString() => Message;
}
