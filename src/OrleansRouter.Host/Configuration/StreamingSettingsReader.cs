using OrleansRouter.Agents.A2A;
using OrleansRouter.Chats;

namespace OrleansRouter.Host.Configuration;

/// <summary>Whether agents that can stream do, how often the growing answer is shown, and where agents notify the router.</summary>
public static class StreamingSettingsReader
{
    public static StreamingOptions? Read(ConfigValues values, A2AClientOptions? a2a)
    {
        var streaming = values.Choice(ConfigKeys.A2AStreaming);
        var interval = values.WholeNumber(ConfigKeys.StreamPreviewIntervalMs);
        var groupInterval = values.WholeNumber(ConfigKeys.StreamGroupPreviewIntervalMs);
        var (pushUrl, pushFailed) = ReadPushUrl(values);
        if (streaming is null || interval is null || groupInterval is null || a2a is null || pushFailed)
        {
            return null;
        }

        return new StreamingOptions
        {
            Enabled = streaming == "on",
            PreviewInterval = TimeSpan.FromMilliseconds(interval.Value),
            GroupPreviewInterval = TimeSpan.FromMilliseconds(groupInterval.Value),
            MaxReplyChars = a2a.MaxReplyChars,
            PushUrl = pushUrl,
        };
    }

    /// <summary>Unset is no push; set, a URL agents can post to: https outside local, a path of its own, nothing after it.</summary>
    private static (Uri? Url, bool Failed) ReadPushUrl(ConfigValues values)
    {
        if (values[ConfigKeys.A2APushUrl] is null)
        {
            return (null, false);
        }

        var url = values.HttpUrl(ConfigKeys.A2APushUrl);
        var problem = url switch
        {
            null => "",
            { Scheme: "http" } when !values.IsLocal => "is not an https URL",
            { AbsolutePath: "/" } => "has no path",
            _ when url.Query.Length > 0 || url.Fragment.Length > 0 => "has a query or a fragment",
            _ => null,
        };
        if (problem is { Length: > 0 })
        {
            values.Report(ConfigKeys.A2APushUrl, problem, "e.g. https://router.example/a2a/push; agents post to a route under its path");
        }

        return problem is null ? (url, false) : (null, true);
    }
}
