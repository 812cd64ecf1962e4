using OrleansRouter.Host.Ingress;

namespace OrleansRouter.Host.Configuration;

/// <summary>The ingress's knobs; a bad value is reported like any other, and the defaults stand in meanwhile.</summary>
public static class IngressSettingsReader
{
    public static IngressOptions Read(ConfigValues values)
    {
        var interval = values.WholeNumber(ConfigKeys.IngressRefusalIntervalMinutes);
        var attempts = values.WholeNumber(ConfigKeys.IngressQuarantineAfterAttempts);
        var defaults = new IngressOptions();
        return new IngressOptions
        {
            RefusalInterval = interval is { } minutes ? TimeSpan.FromMinutes(minutes) : defaults.RefusalInterval,
            QuarantineAfterAttempts = attempts ?? defaults.QuarantineAfterAttempts,
        };
    }
}
