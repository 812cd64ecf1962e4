using System.Diagnostics;

namespace OrleansRouter.Telemetry;

/// <summary>
/// The router's own spans. An update's trace starts where it arrives (<c>telegram.update</c>) and is stored with the
/// message (<c>InboundMessage.TraceParent</c>), so that each step its chat takes later, on any silo and after any
/// restart, joins the same trace (<c>chat.step</c>), and the agent and Bot API calls within it too.
/// </summary>
public static class RouterTracing
{
    public const string SourceName = "OrleansRouter";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span under the stored trace of a message, or none when tracing is off or nothing was stored.</summary>
    public static Activity? StartUnder(string? traceParent, string name) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, ActivityKind.Internal, parent)
            : null;
}
