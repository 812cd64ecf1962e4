namespace OrleansRouter.Host.Configuration;

public static class HealthSettingsReader
{
    public static HealthSettings? Read(ConfigValues values)
    {
        var probe = values.Seconds(ConfigKeys.HealthProbeSeconds);
        var tick = values.Seconds(ConfigKeys.HealthTickSeconds);
        return probe is null || tick is null ? null : new HealthSettings(probe.Value, tick.Value);
    }
}
