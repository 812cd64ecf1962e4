using System.Diagnostics.Metrics;
using OrleansRouter.Agents;
using OrleansRouter.Queues;

namespace OrleansRouter.Telemetry;

/// <summary>
/// The router's own metrics, under the runbook's names (docs/observability.md), on the <c>OrleansRouter</c> meter. They
/// carry no unit, so that Prometheus shows these names as they are (a counter gains <c>_total</c> once).
/// </summary>
public sealed class RouterMetrics : IDisposable
{
    public const string MeterName = "OrleansRouter";

    /// <summary>Round-trip buckets in milliseconds, up to a minute: the agent call dominates, and may take that long.</summary>
    public static readonly double[] LatencyBuckets = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000];

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _roundTrip;
    private readonly Counter<long> _agentFailures;
    private readonly Counter<long> _rateLimitHits;
    private readonly Counter<long> _telegramSends;
    private readonly Counter<long> _previews;
    private readonly Counter<long> _previewsMerged;
    private readonly Histogram<double> _firstVisible;
    private readonly Histogram<double> _streamDuration;
    private readonly Counter<long> _streamResumes;
    private readonly Counter<long> _streamCancels;
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _mediaIn;
    private long _quarantinedAside;
    private long _quarantinedLost;
    private readonly Counter<long> _strangerUpdates;

    /// <summary>This instance's meter: tests listen to it alone, not to every router running beside them.</summary>
    internal Meter Meter => _meter;

    public RouterMetrics(QueueGauge gauge, TimeProvider clock)
    {
        var started = clock.GetTimestamp();
        _roundTrip = _meter.CreateHistogram<double>(
            "latency_round_trip_ms", unit: null, "From an update's arrival to the last part of its reply delivered, in milliseconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _agentFailures = _meter.CreateCounter<long>("a2a_failure", unit: null, "Agent calls that failed, by classification (transient, fatal) and persona");
        _rateLimitHits = _meter.CreateCounter<long>("rate_limit_hit", unit: null, "Messages refused by a persona's rate window");
        _telegramSends = _meter.CreateCounter<long>("telegram_send", unit: null, "Bot API sends by result: ok, rate_limited, transient, fatal");
        _previews = _meter.CreateCounter<long>("telegram_preview", unit: null,
            "Previews of a growing reply by kind (draft, edit) and result: sent, deferred (no turn free), failed");
        _previewsMerged = _meter.CreateCounter<long>("stream_preview_merged", unit: null,
            "Changes of a streamed reply not shown on their own, merged into a later preview by the pacing");
        _firstVisible = _meter.CreateHistogram<double>(
            "stream_first_visible_ms", unit: null, "From an update's arrival to the first text of its streamed reply shown, in milliseconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _streamDuration = _meter.CreateHistogram<double>(
            "stream_duration_ms", unit: null, "From an agent's stream opening to its answer's end, resumes included, in milliseconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _streamResumes = _meter.CreateCounter<long>("stream_resume", unit: null, "Agent tasks followed again after their stream was cut or their silo stopped");
        _streamCancels = _meter.CreateCounter<long>("stream_cancel", unit: null, "Agent tasks the user stopped, by how: command, button");
        _mediaIn = _meter.CreateCounter<long>("media_in", unit: null,
            "Files users sent, by kind (Photo, Document, Voice…) and result: forwarded, too_large, not_accepted, fetch_failed");
        _pushes = _meter.CreateCounter<long>("a2a_push", unit: null,
            "A2A push notifications received, by result: woke (the chat was waiting), ignored (followed already, or over), refused (wrong token), invalid");
        // Observed rather than added to, so it is exported at 0 from the start: an alert on increase() then sees the
        // first quarantine of a silo's life.
        _meter.CreateObservableCounter("update_quarantined", () => new[]
        {
            new Measurement<long>(Volatile.Read(ref _quarantinedAside), new KeyValuePair<string, object?>("outcome", "stored_aside")),
            new Measurement<long>(Volatile.Read(ref _quarantinedLost), new KeyValuePair<string, object?>("outcome", "lost")),
        }, unit: null, "Updates no ChatGrain could store, set aside so the ingress moves on, by outcome: stored_aside, lost");
        _strangerUpdates = _meter.CreateCounter<long>("stranger_update", unit: null, "Updates from chats outside ALLOWED_CHAT_IDS, never stored, by refusal: queued, recent, full");
        _meter.CreateObservableGauge("queue_depth", () => gauge.Depth, unit: null, "Messages waiting in this silo's chats");
        _meter.CreateObservableGauge("router_uptime_seconds", () => clock.GetElapsedTime(started).TotalSeconds, unit: null, "Seconds since this silo started");
    }

    public void Delivered(TimeSpan roundTrip) => _roundTrip.Record(roundTrip.TotalMilliseconds);

    public void AgentFailed(FailureClass failure, string persona) =>
        _agentFailures.Add(1, new("classification", failure.Label()), new("persona", persona));

    /// <param name="result"><c>woke</c>, <c>ignored</c>, <c>refused</c> or <c>invalid</c>.</param>
    public void PushReceived(string result) => _pushes.Add(1, new KeyValuePair<string, object?>("result", result));

    public void MediaIn(string kind, string result) => _mediaIn.Add(1, new("kind", kind), new("result", result));

    public void RateLimitHit(string persona) => _rateLimitHits.Add(1, new KeyValuePair<string, object?>("persona", persona));

    public void TelegramSent(string result) => _telegramSends.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <param name="kind"><c>draft</c> or <c>edit</c>.</param>
    /// <param name="result"><c>sent</c>, <c>deferred</c> or <c>failed</c>.</param>
    public void Previewed(string kind, string result) => _previews.Add(1, new("kind", kind), new("result", result));

    public void PreviewsMerged(int changes) => _previewsMerged.Add(changes);

    public void FirstVisible(TimeSpan sinceArrival) => _firstVisible.Record(sinceArrival.TotalMilliseconds);

    public void StreamEnded(TimeSpan duration) => _streamDuration.Record(duration.TotalMilliseconds);

    public void StreamResumed() => _streamResumes.Add(1);

    /// <param name="how"><c>command</c> or <c>button</c>.</param>
    public void StreamCancelled(string how) => _streamCancels.Add(1, new KeyValuePair<string, object?>("how", how));

    public void Quarantined(bool storedAside) => Interlocked.Increment(ref storedAside ? ref _quarantinedAside : ref _quarantinedLost);

    public void StrangerUpdate(string refusal) => _strangerUpdates.Add(1, new KeyValuePair<string, object?>("refusal", refusal));

    public void Dispose() => _meter.Dispose();
}
