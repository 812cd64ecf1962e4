namespace OrleansRouter.Telegram.Sending;

/// <summary>Telegram's sending limits: for the bot in all (shared by the whole cluster), per private chat, per group.</summary>
public sealed record SendPacing(double PerSecond, double PerChatPerSecond, double PerGroupPerMinute);
