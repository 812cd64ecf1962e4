using System.Text;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// <c>--emit-metrics stdout</c>: every metric the Prometheus endpoint shows, as one JSON line per metric and export
/// (<c>"event": "metrics.snapshot"</c>), between the log lines on stdout. A histogram gives its count, sum and
/// cumulative buckets as Prometheus does.
/// </summary>
public sealed class JsonLinesMetricExporter(TextWriter output) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            output.WriteLine(Line(metric));
        }

        output.Flush();
        return ExportResult.Success;
    }

    private static string Line(Metric metric)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow);
            json.WriteString("event", "metrics.snapshot");
            json.WriteString("metric", metric.Name);
            json.WriteString("type", Type(metric.MetricType));
            json.WriteString("meter", metric.MeterName);
            json.WriteStartArray("points");
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                json.WriteStartObject();
                json.WriteStartObject("labels");
                foreach (var tag in point.Tags)
                {
                    json.WriteString(tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                json.WriteEndObject();
                WriteValue(json, metric.MetricType, point);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter json, MetricType type, MetricPoint point)
    {
        switch (type)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                json.WriteNumber("value", point.GetSumLong());
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                json.WriteNumber("value", point.GetSumDouble());
                break;
            case MetricType.LongGauge:
                json.WriteNumber("value", point.GetGaugeLastValueLong());
                break;
            case MetricType.DoubleGauge:
                json.WriteNumber("value", point.GetGaugeLastValueDouble());
                break;
            case MetricType.Histogram:
                json.WriteNumber("count", point.GetHistogramCount());
                json.WriteNumber("sum", point.GetHistogramSum());
                json.WriteStartArray("buckets");
                var cumulative = 0L;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    json.WriteStartObject();
                    json.WriteString("le", double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : bucket.ExplicitBound.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteNumber("count", cumulative);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteNull("value");
                break;
        }
    }

    private static string Type(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.Histogram or MetricType.ExponentialHistogram => "histogram",
        _ => "gauge",
    };
}
