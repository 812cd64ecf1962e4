using OrleansRouter.Chats;
using OrleansRouter.Personas;

namespace OrleansRouter.Host.Configuration;

public sealed partial class RouterSettingsReader
{
    /// <summary>
    /// The shortest CHAT_IDLE_EXPIRY the guard accepts. Every write of a chat's state renews its expiry, and a chat
    /// with work waiting writes at least once per retry delay (RETRY_MAX_DELAY_MS, at most 24 h), per agent call
    /// (A2A_TIMEOUT_SECONDS, at most 1 h) and, after its silo died, within one reminder period (at most 1 h): its
    /// longest silence is about 25 h. The dedupe window must outlive Telegram's redelivery of an unconfirmed update,
    /// which Telegram keeps for 24 h. Two days is longer than both.
    /// </summary>
    public static readonly TimeSpan MinimumChatIdleExpiry = TimeSpan.FromDays(2);

    private ChatSettings? ReadChats()
    {
        var expiry = ReadChatIdleExpiry();
        var commands = Choice(ConfigKeys.GroupCommands, new Dictionary<string, GroupCommandPolicy>
        {
            ["admins"] = GroupCommandPolicy.Admins,
            ["everyone"] = GroupCommandPolicy.Everyone,
        });
        return expiry.Failed || commands is null ? null : new ChatSettings(expiry.Value, new ChatCommandOptions { GroupCommands = commands.Value });
    }

    private (TimeSpan? Value, bool Failed) ReadChatIdleExpiry()
    {
        var value = _layers[ConfigKeys.ChatIdleExpiry];
        if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
        {
            return (null, false);
        }

        var minimum = RateWindow.FormatWindow(MinimumChatIdleExpiry);
        if (!RateWindow.TryParseWindow(value, out var expiry))
        {
            Report(ConfigKeys.ChatIdleExpiry, value is null ? "is not set" : $"'{value}' is not a duration such as 30d, or off",
                $"give a duration from {minimum} to 366d (s, m, h or d), or off to keep chat state forever");
            return (null, true);
        }

        if (expiry < MinimumChatIdleExpiry)
        {
            Report(ConfigKeys.ChatIdleExpiry, $"is {value}, shorter than {minimum}",
                $"a chat with work waiting, or an update Telegram may still redeliver, must never lose its state: use {minimum} or more");
            return (null, true);
        }

        return (expiry, false);
    }
}
