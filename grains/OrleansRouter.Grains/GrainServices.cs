using OrleansRouter.Personas;
using OrleansRouter.Privacy;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Queues;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Grains;

/// <summary>
/// The silo-wide things the grains need, in one place so their constructors stay short. <see cref="Clock"/> is the
/// router's clock (rate windows, retry times), apart from the clock Orleans runs on.
/// </summary>
/// <param name="ReminderPeriod">How often a chat with pending work is woken by its reminder.</param>
public sealed record GrainServices(
    PersonaMap Personas,
    QueueOptions Options,
    TimeProvider Clock,
    ChatIdHasher Hasher,
    QueueGauge Gauge,
    DrainSignal Drain,
    TimeSpan ReminderPeriod,
    RouterMetrics Metrics);
