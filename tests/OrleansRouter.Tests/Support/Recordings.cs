using System.Diagnostics.Metrics;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Tests.Support;

/// <summary>Records what one router's metrics instance measures on one instrument while it is open.</summary>
public sealed class Recordings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];

    public Recordings(RouterMetrics metrics, string instrument)
    {
        _listener.InstrumentPublished = (found, listener) =>
        {
            if (found.Meter == metrics.Meter && found.Name == instrument)
            {
                listener.EnableMeasurementEvents(found);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (_values) { _values.Add(value); } });
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => { lock (_values) { _values.Add(value); } });
        _listener.Start();
    }

    public IReadOnlyList<double> Values
    {
        get { lock (_values) { return _values.ToArray(); } }
    }

    public void Dispose() => _listener.Dispose();
}
