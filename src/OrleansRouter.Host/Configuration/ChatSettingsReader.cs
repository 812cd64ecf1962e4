using OrleansRouter.Chats;
using OrleansRouter.Personas;

namespace OrleansRouter.Host.Configuration;

/// <summary>How long a chat's state is kept, and who may command it in a group.</summary>
public static class ChatSettingsReader
{
    /// <summary>
    /// The shortest CHAT_IDLE_EXPIRY the guard accepts. Every write of a chat's state renews its expiry, and a chat
    /// with work waiting writes at least once per retry delay (RETRY_MAX_DELAY_MS, at most 24 h), per agent call
    /// (A2A_TIMEOUT_SECONDS, at most 1 h) and, after its silo died, within one reminder period (at most 1 h): its
    /// longest silence is about 25 h. The dedupe window must outlive Telegram's redelivery of an unconfirmed update,
    /// which Telegram keeps for 24 h. Two days is longer than both.
    /// </summary>
    public static readonly TimeSpan MinimumChatIdleExpiry = TimeSpan.FromDays(2);

    public static ChatSettings? Read(ConfigValues values)
    {
        var expiry = ReadIdleExpiry(values);
        var commands = values.Choice<GroupCommandPolicy>(ConfigKeys.GroupCommands);
        return expiry.Failed || commands is null ? null : new ChatSettings(expiry.Value, new ChatCommandOptions { GroupCommands = commands.Value });
    }

    private static (TimeSpan? Value, bool Failed) ReadIdleExpiry(ConfigValues values)
    {
        var (expiry, failed) = values.DurationOrOff(ConfigKeys.ChatIdleExpiry, MinimumChatIdleExpiry, "to keep chat state forever");
        if (expiry < MinimumChatIdleExpiry)
        {
            var minimum = RateWindow.FormatWindow(MinimumChatIdleExpiry);
            values.Report(ConfigKeys.ChatIdleExpiry, $"is {values[ConfigKeys.ChatIdleExpiry]}, shorter than {minimum}",
                $"a chat with work waiting, or an update Telegram may still redeliver, must never lose its state: use {minimum} or more");
            return (null, true);
        }

        return (expiry, failed);
    }
}
