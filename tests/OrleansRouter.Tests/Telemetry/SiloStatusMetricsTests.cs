using System.Diagnostics.Metrics;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Tests.Telemetry;

/// <summary><c>router_ready</c> is <c>/healthz</c>'s verdict as a number; <c>router_build_info</c> names the build and the configuration.</summary>
public sealed class SiloStatusMetricsTests
{
    private static readonly BuildInfo Build = new("0123abc", "sha256:feed", BuildInfo.RouterVersion);

    [Fact]
    public void Router_ready_is_1_exactly_while_healthz_would_answer_200()
    {
        var health = new RouterHealth(TimeProvider.System);
        using var metrics = new SiloStatusMetrics(Build, health);
        var seen = new List<(int Ready, bool HealthzReady)>();
        void Sample() => seen.Add(((int)Observe("router_ready").Single().Value, health.IsReady));

        Sample();                                       // starting, nothing probed
        health.MoveTo(RouterState.Ready);
        health.ReportTelegram(true, "getMe answered");
        Sample();                                       // no agent answered yet
        health.ReportAgent("p", true, "card");
        Sample();                                       // ready
        health.ReportAgent("p", false, "refused");
        Sample();                                       // one failure: still ready
        health.ReportAgent("p", false, "refused");
        Sample();                                       // two in a row: degraded
        health.ReportAgent("p", true, "card");
        Sample();                                       // recovered
        health.MoveTo(RouterState.Draining);
        Sample();                                       // draining

        Assert.Equal([0, 0, 1, 1, 0, 1, 0], seen.Select(s => s.Ready));
        Assert.All(seen, s => Assert.Equal(s.HealthzReady ? 1 : 0, s.Ready));
    }

    [Fact]
    public void Router_build_info_is_1_labelled_with_the_build_sha_the_manifest_hash_and_a_plain_version()
    {
        using var metrics = new SiloStatusMetrics(Build, new RouterHealth(TimeProvider.System));

        var (value, labels) = Assert.Single(Observe("router_build_info"));

        Assert.Equal(1, value);
        Assert.Equal(
            [("build_sha", "0123abc"), ("config_manifest_hash", "sha256:feed"), ("version", BuildInfo.RouterVersion)],
            labels.Select(l => (l.Key, (string)l.Value!)).Order());
        Assert.Matches(@"^\d+\.\d+\.\d+", BuildInfo.RouterVersion);
        Assert.DoesNotContain("+", BuildInfo.RouterVersion, StringComparison.Ordinal);
    }

    /// <summary>Every measurement the router's meter gives for <paramref name="instrument"/> now.</summary>
    private static List<(double Value, KeyValuePair<string, object?>[] Labels)> Observe(string instrument)
    {
        var measurements = new List<(double, KeyValuePair<string, object?>[])>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (found, l) =>
        {
            if (found.Meter.Name == RouterMetrics.MeterName && found.Name == instrument)
            {
                l.EnableMeasurementEvents(found);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => measurements.Add((value, tags.ToArray())));
        listener.Start();
        listener.RecordObservableInstruments();
        return measurements;
    }
}
