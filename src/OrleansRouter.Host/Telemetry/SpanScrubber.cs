using System.Diagnostics;
using System.Reflection;
using OpenTelemetry;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// Passes every finished span through the <see cref="Redactor"/> before any exporter sees it: its name, its string
/// tags, its status description, and its events with their tags (an exception recorded in a span carries its
/// message and stack trace there). It runs ahead of the exporters' processors.
/// </summary>
/// <remarks>
/// An <see cref="Activity"/> offers no way to change or remove an event once added, so the events are cleared
/// through the runtime's private field and added again redacted. Should a runtime lack that field, a span with an
/// event that needs redacting is not exported at all (its <c>Recorded</c> flag is cleared), rather than exported
/// with the secret.
/// </remarks>
public sealed class SpanScrubber(Redactor redactor) : BaseProcessor<Activity>
{
    private static readonly FieldInfo? EventsField = typeof(Activity).GetField("_events", BindingFlags.NonPublic | BindingFlags.Instance);

    public override void OnEnd(Activity data)
    {
        data.DisplayName = redactor.Redact(data.DisplayName);
        foreach (var (key, value) in data.TagObjects.ToList())
        {
            if (value is string text && redactor.Redact(text) is var scrubbed && !ReferenceEquals(scrubbed, text))
            {
                data.SetTag(key, scrubbed);
            }
        }

        if (data.StatusDescription is { } description && redactor.Redact(description) is var status && !ReferenceEquals(status, description))
        {
            data.SetStatus(data.Status, status);
        }

        ScrubEvents(data);
    }

    private void ScrubEvents(Activity data)
    {
        var events = data.Events.ToList();
        var scrubbed = events.Select(Scrub).ToList();
        if (scrubbed.SequenceEqual(events))
        {
            return;
        }

        if (EventsField is null)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            return;
        }

        EventsField.SetValue(data, null);
        foreach (var e in scrubbed)
        {
            data.AddEvent(e);
        }
    }

    private ActivityEvent Scrub(ActivityEvent e)
    {
        var name = redactor.Redact(e.Name);
        var changed = !ReferenceEquals(name, e.Name);
        var tags = new ActivityTagsCollection();
        foreach (var (key, value) in e.Tags)
        {
            var scrubbed = value is string text ? redactor.Redact(text) : value;
            changed |= !ReferenceEquals(scrubbed, value);
            tags[key] = scrubbed;
        }

        return changed ? new ActivityEvent(name, e.Timestamp, tags) : e;
    }
}
