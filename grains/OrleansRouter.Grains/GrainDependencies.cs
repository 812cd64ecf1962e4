using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Personas;
using OrleansRouter.Privacy;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Media;
using OrleansRouter.Queues;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Grains;

/// <summary>
/// The silo-wide settings and shared parts every grain of the router may need, injected as one singleton so the
/// grains' constructors stay short. Plain dependencies, not an Orleans <c>GrainService</c>: nothing here runs on its
/// own. <see cref="Clock"/> is the router's clock (rate windows, retry times), apart from the clock Orleans runs on.
/// </summary>
/// <param name="ReminderPeriod">How often a chat with pending work is woken by its reminder.</param>
public sealed record GrainDependencies(
    PersonaMap Personas,
    QueueOptions Options,
    TimeProvider Clock,
    ChatIdHasher Hasher,
    QueueGauge Gauge,
    DrainSignal Drain,
    TimeSpan ReminderPeriod,
    RouterMetrics Metrics)
{
    public StreamingOptions Streaming { get; init; } = new();

    public MediaOptions Media { get; init; } = new();

    /// <summary>The router's push notification addresses (<c>A2A_PUSH_URL</c>); null when agents are not asked to notify.</summary>
    public PushAddresses? Push { get; init; }
}
