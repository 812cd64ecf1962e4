using OrleansRouter.Agents.A2A;
using OrleansRouter.Chats;

namespace OrleansRouter.Host.Configuration;

/// <summary>Whether agents that can stream do, and how often the growing answer is shown.</summary>
public static class StreamingSettingsReader
{
    public static StreamingOptions? Read(ConfigValues values, A2AClientOptions? a2a)
    {
        var streaming = values.Choice(ConfigKeys.A2AStreaming);
        var interval = values.WholeNumber(ConfigKeys.StreamPreviewIntervalMs);
        var groupInterval = values.WholeNumber(ConfigKeys.StreamGroupPreviewIntervalMs);
        if (streaming is null || interval is null || groupInterval is null || a2a is null)
        {
            return null;
        }

        return new StreamingOptions
        {
            Enabled = streaming == "on",
            PreviewInterval = TimeSpan.FromMilliseconds(interval.Value),
            GroupPreviewInterval = TimeSpan.FromMilliseconds(groupInterval.Value),
            MaxReplyChars = a2a.MaxReplyChars,
        };
    }
}
