using OrleansRouter.Host.Ingress;

namespace OrleansRouter.Host.Configuration;

public sealed partial class RouterSettingsReader
{
    /// <summary>The ingress's knobs; a bad value is reported like any other, and the defaults stand in meanwhile.</summary>
    private IngressOptions ReadIngress()
    {
        var interval = Int(ConfigKeys.IngressRefusalIntervalMinutes, 1, 10_080);
        var attempts = Int(ConfigKeys.IngressQuarantineAfterAttempts, 1, 100);
        var defaults = new IngressOptions();
        return new IngressOptions
        {
            RefusalInterval = interval is { } minutes ? TimeSpan.FromMinutes(minutes) : defaults.RefusalInterval,
            QuarantineAfterAttempts = attempts ?? defaults.QuarantineAfterAttempts,
        };
    }
}
