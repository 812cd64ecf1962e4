using Microsoft.Extensions.Time.Testing;
using OrleansRouter.Telegram.Sending;

namespace OrleansRouter.Tests.Telegram;

public sealed class SendPacerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Starts a send per chat id, moves fake time on in small steps, and returns when each send's turn came.</summary>
    private Task<List<TimeSpan>> TurnsAsync(SendPacer pacer, params long[] chats) => TurnsAsync(pacer, TimeSpan.FromMilliseconds(10), chats);

    private async Task<List<TimeSpan>> TurnsAsync(SendPacer pacer, TimeSpan step, params long[] chats)
    {
        var start = _clock.GetUtcNow();
        var turns = new TimeSpan?[chats.Length];
        var tasks = chats.Select(async (chat, i) =>
        {
            await pacer.WaitTurnAsync(chat, CancellationToken.None);
            turns[i] = _clock.GetUtcNow() - start;
        }).ToList();
        var limit = start + TimeSpan.FromMinutes(5);
        while (tasks.Any(t => !t.IsCompleted))
        {
            Assert.True(_clock.GetUtcNow() < limit, "the sends never got their turn");
            _clock.Advance(step);
            await Task.Delay(1);
        }

        return turns.Select(t => t!.Value).ToList();
    }

    [Fact]
    public async Task Sends_of_the_bot_are_spaced_at_its_rate_without_a_burst()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 10, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);

        var turns = await TurnsAsync(pacer, 1, 2, 3, 4, 5);

        var ordered = turns.Order().ToList();
        Assert.All(ordered.Zip(ordered.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(100), $"{pair.First} then {pair.Second}"));
    }

    [Fact]
    public async Task A_private_chat_gets_a_burst_of_three_then_one_a_second_and_a_group_twenty_a_minute()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 1000, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);

        var chat = await TurnsAsync(pacer, 7, 7, 7, 7);
        var group = await TurnsAsync(pacer, TimeSpan.FromMilliseconds(250), Enumerable.Repeat(-7L, 21).ToArray());

        Assert.All(chat.Take(3), turn => Assert.True(turn < TimeSpan.FromMilliseconds(100)));
        Assert.True(chat[3] >= TimeSpan.FromSeconds(3), $"the fourth message came at {chat[3]}");
        Assert.True(group.Order().ToList()[20] >= TimeSpan.FromMinutes(1), "the 21st group message came within the minute");
    }

    [Fact]
    public async Task A_429_for_one_chat_pauses_that_chat_for_exactly_its_retry_after_and_no_other()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);

        pacer.RateLimited(1, TimeSpan.FromSeconds(30));
        var turns = await TurnsAsync(pacer, TimeSpan.FromMilliseconds(100), 2, 1, -3);

        Assert.True(turns[0] < TimeSpan.FromSeconds(1), $"chat B waited {turns[0]}");
        Assert.True(turns[2] < TimeSpan.FromSeconds(1), $"a group waited {turns[2]}");
        Assert.InRange(turns[1], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30.2));
        Assert.Equal(30 * 0.98, pacer.Rate, precision: 6);
    }

    [Fact]
    public async Task A_429_for_each_of_several_chats_within_the_flood_window_pauses_every_send_and_slows_the_pace()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);

        var pausedUntil = DateTimeOffset.MinValue;
        for (var chat = 1; chat <= SendPacer.FloodChats; chat++)
        {
            pacer.RateLimited(chat, TimeSpan.FromSeconds(chat * 10));
            pausedUntil = _clock.GetUtcNow() + TimeSpan.FromSeconds(chat * 10);
            _clock.Advance(SendPacer.FloodWindow / (SendPacer.FloodChats + 1));
        }

        var start = _clock.GetUtcNow();
        var turns = await TurnsAsync(pacer, TimeSpan.FromMilliseconds(100), 99);

        Assert.True(start + turns[0] >= pausedUntil, $"a chat without a 429 went {pausedUntil - start - turns[0]} before the flood's pause was over");
        var slowed = pacer.Rate;
        for (var i = 0; i < 100; i++)
        {
            pacer.Delivered();
        }

        Assert.True(slowed < pacer.Rate, $"the pace did not drop: {slowed} then {pacer.Rate}");
        Assert.Equal(30 * 0.98, pacer.Rate, precision: 6);
    }

    [Fact]
    public async Task The_same_chats_429s_spread_wider_than_the_flood_window_pause_only_their_chats()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);

        for (var chat = 1; chat <= SendPacer.FloodChats; chat++)
        {
            pacer.RateLimited(chat, TimeSpan.FromSeconds(1));
            _clock.Advance(SendPacer.FloodWindow);
        }

        pacer.RateLimited(1, TimeSpan.FromSeconds(60));
        pacer.RateLimited(1, TimeSpan.FromSeconds(60));
        var turns = await TurnsAsync(pacer, 99);

        Assert.True(turns[0] < TimeSpan.FromSeconds(1), $"a chat without a 429 waited {turns[0]}");
    }

    [Fact]
    public async Task A_preview_takes_a_turn_only_when_one_is_free_at_once_and_leaves_the_chat_one_for_its_reply()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 1000, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);

        // A private chat has three sends in any three seconds: two previews, and the third is the reply's.
        Assert.True(pacer.TryTakeEditTurn(7));
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(pacer.TryTakeEditTurn(7));
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.False(pacer.TryTakeEditTurn(7));
        var reply = await TurnsAsync(pacer, 7);
        Assert.True(reply[0] < TimeSpan.FromMilliseconds(100), $"the reply waited {reply[0]}");

        _clock.Advance(TimeSpan.FromSeconds(3.2));
        Assert.True(pacer.TryTakeEditTurn(7));
    }

    [Fact]
    public async Task A_preview_never_goes_ahead_of_a_message_waiting_for_the_bots_turn()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 1, PerChatPerSecond: 1000, PerGroupPerMinute: 1000), _clock);
        await pacer.WaitTurnAsync(1, CancellationToken.None);
        var waiting = pacer.WaitTurnAsync(2, CancellationToken.None);

        Assert.False(pacer.TryTakeEditTurn(3));

        while (!waiting.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        Assert.False(pacer.TryTakeEditTurn(3));
        _clock.Advance(TimeSpan.FromSeconds(1.1));
        Assert.True(pacer.TryTakeEditTurn(3));
    }

    [Fact]
    public async Task Drafts_go_about_once_a_second_a_chat_in_a_window_of_their_own_outside_the_bots_pace()
    {
        using var pacer = new SendPacer(new SendPacing(PerSecond: 1, PerChatPerSecond: 1, PerGroupPerMinute: 20), _clock);
        Assert.True(pacer.TryTakeEditTurn(1));
        Assert.False(pacer.TryTakeEditTurn(2));

        // Three in any three seconds, whatever the chat's messages and the bot's pace do.
        Assert.True(pacer.TryTakeDraftTurn(2, out _));
        Assert.True(pacer.TryTakeDraftTurn(2, out _));
        Assert.True(pacer.TryTakeDraftTurn(2, out _));
        Assert.False(pacer.TryTakeDraftTurn(2, out var freeAt));
        Assert.InRange(freeAt - _clock.GetUtcNow(), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.2));
        var message = await TurnsAsync(pacer, 2);
        Assert.True(message[0] < TimeSpan.FromSeconds(2), $"the message waited {message[0]}");
        _clock.Advance(TimeSpan.FromSeconds(3.2));
        Assert.True(pacer.TryTakeDraftTurn(2, out _));
    }
}
