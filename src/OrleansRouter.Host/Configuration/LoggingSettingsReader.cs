using Serilog.Events;

namespace OrleansRouter.Host.Configuration;

/// <summary>How much is logged, in which format, and where the lines go besides stdout.</summary>
public static class LoggingSettingsReader
{
    /// <summary>LOG_LEVEL's words, the catalog's choices, with their common short forms.</summary>
    private static readonly Dictionary<string, LogEventLevel> Levels = new()
    {
        ["verbose"] = LogEventLevel.Verbose,
        ["trace"] = LogEventLevel.Verbose,
        ["debug"] = LogEventLevel.Debug,
        ["information"] = LogEventLevel.Information,
        ["info"] = LogEventLevel.Information,
        ["warning"] = LogEventLevel.Warning,
        ["warn"] = LogEventLevel.Warning,
        ["error"] = LogEventLevel.Error,
    };

    public static LoggingSettings? Read(ConfigValues values)
    {
        var level = values.Choice(ConfigKeys.LogLevel);
        var format = values.Choice<LogFormat>(ConfigKeys.LogFormat);
        var (forward, forwardFailed) = ReadForward(values);
        return level is null || format is null || forwardFailed ? null : new LoggingSettings(Levels[level], format.Value, forward);
    }

    /// <summary><c>tcp://host:port</c> or <c>udp://host:port</c>; the drain token travels with every line.</summary>
    private static (LogForward? Forward, bool Failed) ReadForward(ConfigValues values)
    {
        var value = values[ConfigKeys.LogForward];
        if (value is null)
        {
            return (null, false);
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "tcp" or "udp" && !string.IsNullOrEmpty(url.Host) && url.Port > 0
            && url.AbsolutePath is "/" or "")
        {
            return (new LogForward(url.Scheme == "tcp" ? LogTransport.Tcp : LogTransport.Udp, url.Host, url.Port, values[ConfigKeys.LogDrainToken]), false);
        }

        values.Report(ConfigKeys.LogForward, $"'{value}' is not tcp://host:port or udp://host:port", "e.g. tcp://logs.internal:1514");
        return (null, true);
    }
}
