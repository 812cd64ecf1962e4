using Serilog.Events;

namespace OrleansRouter.Host.Configuration;

/// <param name="Forward">Where the log lines go besides stdout, if anywhere.</param>
public sealed record LoggingSettings(LogEventLevel Level, LogFormat Format, LogForward? Forward = null);

/// <param name="Token">LOG_DRAIN_TOKEN: sent ahead of every line, so the drain knows who writes.</param>
public sealed record LogForward(LogTransport Transport, string Host, int Port, string? Token)
{
    public override string ToString() => $"{Transport.ToString().ToLowerInvariant()}://{Host}:{Port}";
}

public enum LogTransport
{
    Tcp,
    Udp,
}

public enum LogFormat
{
    Json,
    Text,
}
