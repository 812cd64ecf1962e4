using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// For sinks that take log events rather than text (OTLP): each event is rebuilt with its string values and its
/// exception passed through the <see cref="Redactor"/> first. The exception becomes a <see cref="RedactedException"/>
/// that keeps the original's type name and redacted text; the message template is redacted too.
/// </summary>
public sealed class RedactingSink(ILogEventSink inner, Redactor redactor) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent)
    {
        var exception = logEvent.Exception is { } e ? new RedactedException(e.GetType().FullName ?? e.GetType().Name, redactor.Redact(e.ToString())) : null;
        inner.Emit(new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            exception,
            Redact(logEvent.MessageTemplate),
            logEvent.Properties.Select(p => new LogEventProperty(p.Key, Redact(p.Value))),
            logEvent.TraceId ?? default,
            logEvent.SpanId ?? default));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>
    /// The template's own text can hold a secret (an interpolated message: the OTLP sink exports the template and the
    /// text rendered from it); redacted, it is parsed again. Holes are kept, as the redactor never blanks braces.
    /// </summary>
    private MessageTemplate Redact(MessageTemplate template) =>
        redactor.Redact(template.Text) is var text && ReferenceEquals(text, template.Text) ? template : Parser.Parse(text);

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
