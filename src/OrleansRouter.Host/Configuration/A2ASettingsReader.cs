using OrleansRouter.Agents.A2A;

namespace OrleansRouter.Host.Configuration;

/// <summary>How long an agent call may take and how much of its answer is read and shown.</summary>
public static class A2ASettingsReader
{
    public static A2AClientOptions? Read(ConfigValues values)
    {
        var timeout = values.Seconds(ConfigKeys.A2ATimeoutSeconds);
        var maxResponseBytes = values.WholeNumber(ConfigKeys.A2AMaxResponseBytes);
        var maxReplyChars = values.WholeNumber(ConfigKeys.A2AMaxReplyChars);
        return timeout is null || maxResponseBytes is null || maxReplyChars is null
            ? null
            : new A2AClientOptions { Timeout = timeout.Value, MaxResponseBytes = maxResponseBytes.Value, MaxReplyChars = maxReplyChars.Value };
    }
}
