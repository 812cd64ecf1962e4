using OrleansRouter.Queues;

namespace OrleansRouter.Host.Configuration;

/// <summary>How much a chat may have waiting, how its failures are retried, and which chats are answered at all.</summary>
public static class QueueSettingsReader
{
    public static QueueOptions? Read(ConfigValues values)
    {
        var depth = values.WholeNumber(ConfigKeys.QueueMaxDepthPerChat);
        var attempts = values.WholeNumber(ConfigKeys.RetryMaxAttempts);
        var baseDelay = values.WholeNumber(ConfigKeys.RetryBaseDelayMs);
        var maxDelay = values.WholeNumber(ConfigKeys.RetryMaxDelayMs);
        var capacity = values.WholeNumber(ConfigKeys.RetryCacheCapacity);
        var allowed = values.ChatIds(ConfigKeys.AllowedChatIds);
        if (baseDelay > maxDelay)
        {
            values.Report(ConfigKeys.RetryBaseDelayMs, $"is larger than {ConfigKeys.RetryMaxDelayMs}", "make the first delay no longer than the longest");
            return null;
        }

        if (depth is null || attempts is null || baseDelay is null || maxDelay is null || capacity is null || allowed.Failed)
        {
            return null;
        }

        return new QueueOptions
        {
            MaxDepthPerChat = depth.Value,
            RetryMaxAttempts = attempts.Value,
            RetryBaseDelay = TimeSpan.FromMilliseconds(baseDelay.Value),
            RetryMaxDelay = TimeSpan.FromMilliseconds(maxDelay.Value),
            RetryCacheCapacity = capacity.Value,
            AllowedChatIds = allowed.Ids,
        };
    }
}
