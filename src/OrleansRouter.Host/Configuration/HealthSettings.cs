namespace OrleansRouter.Host.Configuration;

/// <param name="ProbeInterval">HEALTH_PROBE_SECONDS: how often Telegram and each agent are probed once the router is ready.</param>
/// <param name="TickInterval">HEALTH_TICK_SECONDS: how often the <c>health.tick</c> event reports every part's state.</param>
public sealed record HealthSettings(TimeSpan ProbeInterval, TimeSpan TickInterval);
