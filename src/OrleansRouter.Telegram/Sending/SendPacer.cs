using OrleansRouter.Chats;

namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// Spaces this silo's sends so that Telegram never has to refuse them: per chat (a sliding window), and for the
/// bot in all (one send every 1/rate seconds, no bursts, at this silo's <see cref="Share"/> of the cluster's
/// budget). The bot's spacing is kept between the moments sends actually leave, one at a time through a gate, so
/// a timer that fires late cannot bunch the next sends up. A 429 that still comes pauses the chat it was for, for
/// exactly its <c>retry_after</c>: the other chats go on. Only a flood (429s for <see cref="FloodChats"/> chats
/// within <see cref="FloodWindow"/>, as when the bot's own limit is hit) pauses every send and slows the pace; the
/// pace recovers a little with every send that goes through.
/// </summary>
public sealed class SendPacer(SendPacing pacing, TimeProvider clock) : IDisposable
{
    private const double SlowestPace = 0.25;

    /// <summary>
    /// Sends leave evenly spaced but arrive with a little jitter; pacing 2 % under the limit keeps every second
    /// Telegram looks at under it, where pacing at the limit itself draws the odd 429.
    /// </summary>
    private const double Margin = 0.98;

    /// <summary>No two sends closer than the limit allows, plus half a percent for the way to Telegram.</summary>
    private const double MinimumGapOverLimit = 1.005;

    /// <summary>A timer that fired very late says little about the next one: samples are cut at this.</summary>
    private static readonly TimeSpan MaxLatenessSample = TimeSpan.FromMilliseconds(3);
    private static readonly TimeSpan PrivateWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan GroupWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A chat's window is counted here when a send leaves and at Telegram when it arrives, a moment later and not
    /// always the same moment later: each window is this much longer here, so that a send that was slow on its way
    /// does not still count there when the one that takes its place arrives quickly.
    /// </summary>
    private static readonly TimeSpan Transit = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// Telegram's 429 does not say which limit was hit. One chat's 429 is that chat's limit; several chats refused
    /// within a few seconds is the bot's limit, which every chat shares.
    /// </summary>
    public const int FloodChats = 3;

    public static readonly TimeSpan FloodWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, ChatSendWindow> _chats = [];
    private readonly Dictionary<long, ChatSendWindow> _drafts = [];
    private readonly SemaphoreSlim _leaving = new(1, 1);
    private readonly Queue<(DateTimeOffset At, long ChatId, DateTimeOffset Until)> _refusals = new();
    private DateTimeOffset _lastLeft;
    private DateTimeOffset _nextPlanned;
    private TimeSpan _lateness;
    private DateTimeOffset _pausedUntil;
    private double _pace = 1;
    private double _share = 1;
    private long _waiting;
    private long _sent;

    /// <summary>This silo's share of the bot's budget, from 0 to 1; the cluster sets it.</summary>
    public double Share
    {
        get { lock (_gate) { return _share; } }
        set { lock (_gate) { _share = Math.Clamp(value, 0.01, 1); } }
    }

    /// <summary>Sends waiting for their turn right now.</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    /// <summary>Sends that went through since the start.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The sends per second this silo may make now.</summary>
    public double Rate
    {
        get { lock (_gate) { return pacing.PerSecond * Margin * _share * _pace; } }
    }

    /// <summary>Waits until a message to <paramref name="chatId"/> may go: first the chat's turn, then the bot's.</summary>
    public async Task WaitTurnAsync(long chatId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            var booked = ReserveChat(chatId);
            await DelayUntilAsync(booked, cancellationToken);
            await LeaveInTurnAsync(cancellationToken);

            // The bot's turn may have come later than the chat's: the chat's window counts the send when it left.
            lock (_gate)
            {
                WindowOf(chatId, clock.GetUtcNow()).Left(booked, clock.GetUtcNow());
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Takes a turn for an edit that previews a growing reply, only if one is free at once: nothing is waiting for the
    /// bot's turn, the bot's pace allows a send now, and the chat would still have a send of its window left for the
    /// message that ends the reply. False, and nothing taken, otherwise: a preview never holds a message back.
    /// </summary>
    public bool TryTakeEditTurn(long chatId)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var rate = pacing.PerSecond * _share * _pace;
            var floor = _lastLeft + TimeSpan.FromSeconds(1 / rate * MinimumGapOverLimit);
            if (Interlocked.Read(ref _waiting) > 0 || Moments.Latest(_nextPlanned, floor, _pausedUntil) > now
                || !WindowOf(chatId, now).TryReserveNow(now, keepFree: 1))
            {
                return false;
            }

            _lastLeft = now;
            _nextPlanned = now + TimeSpan.FromSeconds(1 / (rate * Margin));
            return true;
        }
    }

    /// <summary>
    /// Takes a turn for a private chat's draft, if its chat's draft window has one now. Drafts are paced like a chat's
    /// messages (about one a second, short bursts), in a window of their own: they are not messages, Telegram documents
    /// no limit for them, and the bot's messages per second do not count them.
    /// </summary>
    /// <param name="freeAt">When the chat's drafts have a turn again, when this one found none.</param>
    public bool TryTakeDraftTurn(long chatId, out DateTimeOffset freeAt)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (!_drafts.TryGetValue(chatId, out var window))
            {
                window = new ChatSendWindow((int)Math.Round(pacing.PerChatPerSecond * PrivateWindow.TotalSeconds), PrivateWindow + Transit);
                ForgetIdle(_drafts, now);
                _drafts[chatId] = window;
            }

            freeAt = Moments.Latest(window.FreeAt(now, keepFree: 0), _pausedUntil);
            return _pausedUntil <= now && window.TryReserveNow(now, keepFree: 0);
        }
    }

    public void Delivered()
    {
        Interlocked.Increment(ref _sent);
        lock (_gate)
        {
            _pace = Math.Min(1, _pace + 0.01);
        }
    }

    /// <summary>
    /// Telegram said 429 for <paramref name="chatId"/>: nothing goes to that chat before <paramref name="retryAfter"/>
    /// is over. When it makes a flood, nothing goes to any chat before the latest pause of the flood is over, and
    /// the pace drops.
    /// </summary>
    public void RateLimited(long chatId, TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var until = now + retryAfter;
            WindowOf(chatId, now).PauseUntil(until);

            _refusals.Enqueue((now, chatId, until));
            while (_refusals.Peek().At <= now - FloodWindow)
            {
                _refusals.Dequeue();
            }

            if (_refusals.Select(r => r.ChatId).Distinct().Count() < FloodChats)
            {
                return;
            }

            var latest = _refusals.Max(r => r.Until);
            _pausedUntil = latest > _pausedUntil ? latest : _pausedUntil;
            _pace = Math.Max(SlowestPace, _pace * 0.7);
            _refusals.Clear();
        }
    }

    private DateTimeOffset ReserveChat(long chatId)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            return WindowOf(chatId, now).Reserve(now);
        }
    }

    /// <summary>The chat's window, made on its first send (or 429). Only under <see cref="_gate"/>.</summary>
    private ChatSendWindow WindowOf(long chatId, DateTimeOffset now)
    {
        if (!_chats.TryGetValue(chatId, out var window))
        {
            // Negative ids are groups, supergroups and channels.
            window = chatId < 0
                ? new ChatSendWindow((int)Math.Round(pacing.PerGroupPerMinute), GroupWindow + Transit)
                : new ChatSendWindow((int)Math.Round(pacing.PerChatPerSecond * PrivateWindow.TotalSeconds), PrivateWindow + Transit);

            // Before the new window goes in, which is idle until it is used.
            ForgetIdle(_chats, now);
            _chats[chatId] = window;
        }

        return window;
    }

    /// <summary>
    /// One send at a time, on a schedule at the paced rate. Timers fire a little late, so each send wakes as much
    /// early as they have lately been late; but none leaves sooner after the previous one than the limit itself
    /// allows, so thirty sends never fit in Telegram's one second, whatever the timers do.
    /// </summary>
    private async Task LeaveInTurnAsync(CancellationToken cancellationToken)
    {
        await _leaving.WaitAsync(cancellationToken);
        try
        {
            DateTimeOffset floor, target;
            lock (_gate)
            {
                var rate = pacing.PerSecond * _share * _pace;
                floor = _lastLeft + TimeSpan.FromSeconds(1 / rate * MinimumGapOverLimit);
                target = Moments.Latest(clock.GetUtcNow(), _nextPlanned, floor, _pausedUntil);
                _nextPlanned = target + TimeSpan.FromSeconds(1 / (rate * Margin));
            }

            var wake = target - _lateness;
            await DelayUntilAsync(wake, cancellationToken);
            while (clock.GetUtcNow() < floor)
            {
                await Task.Yield();
            }

            lock (_gate)
            {
                _lastLeft = clock.GetUtcNow();
                var late = _lastLeft - wake;
                _lateness = (_lateness * 0.9) + (Clamp(late, TimeSpan.Zero, MaxLatenessSample) * 0.1);
            }
        }
        finally
        {
            _leaving.Release();
        }
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    public void Dispose() => _leaving.Dispose();

    private static void ForgetIdle(Dictionary<long, ChatSendWindow> windows, DateTimeOffset now)
    {
        if (windows.Count % 1024 != 0)
        {
            return;
        }

        foreach (var idle in windows.Where(c => c.Value.IsIdle(now)).Select(c => c.Key).ToList())
        {
            windows.Remove(idle);
        }
    }

    private async Task DelayUntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var wait = at - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }
}
