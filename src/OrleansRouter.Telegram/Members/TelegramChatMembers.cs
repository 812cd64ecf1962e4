using OrleansRouter.Chats;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Telegram.Members;

/// <summary>
/// Asks the Bot API about the bot itself (<c>getMe</c>, once it answered) and about group members
/// (<c>getChatMember</c>). A member's answer is kept for <see cref="AnswerLifetime"/>, for at most
/// <see cref="Capacity"/> members, so a group's admin who sends many commands costs one call a minute; a demoted
/// admin keeps the rights for at most that long.
/// </summary>
public sealed class TelegramChatMembers(ITelegramBotClient bot, TimeProvider clock) : IChatMembers
{
    public static readonly TimeSpan AnswerLifetime = TimeSpan.FromMinutes(1);
    public const int Capacity = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(long Chat, long User), (bool Admin, DateTimeOffset Until)> _answers = [];
    private string? _username;

    public async Task<string?> BotUsernameAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _username) is { } known)
        {
            return known;
        }

        try
        {
            var me = await bot.GetMe(cancellationToken);
            Volatile.Write(ref _username, me.Username);
            return me.Username;
        }
        catch (Exception e) when (e is RequestException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<bool?> IsAdminAsync(long chatId, long userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_answers.TryGetValue((chatId, userId), out var answer) && answer.Until > now)
            {
                return answer.Admin;
            }
        }

        bool admin;
        try
        {
            var member = await bot.GetChatMember(chatId, userId, cancellationToken);
            admin = member.Status is ChatMemberStatus.Creator or ChatMemberStatus.Administrator;
        }
        catch (ApiRequestException e) when (e.ErrorCode == 400)
        {
            // "user not found", "participant_id_invalid": not a member, so no admin.
            admin = false;
        }
        catch (Exception e) when (e is RequestException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        Remember(chatId, userId, admin, clock.GetUtcNow());
        return admin;
    }

    private void Remember(long chatId, long userId, bool admin, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_answers.Count >= Capacity)
            {
                foreach (var stale in _answers.Where(a => a.Value.Until <= now).Select(a => a.Key).ToList())
                {
                    _answers.Remove(stale);
                }

                // All still fresh: a burst of members of many groups. Forgetting costs a call each, nothing else.
                if (_answers.Count >= Capacity)
                {
                    _answers.Clear();
                }
            }

            _answers[(chatId, userId)] = (admin, now + AnswerLifetime);
        }
    }
}
