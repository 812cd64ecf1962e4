namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// Spaces this silo's sends so that Telegram never has to refuse them: per chat (a sliding window), and for the
/// bot in all (one send every 1/rate seconds, no bursts, at this silo's <see cref="Share"/> of the cluster's
/// budget). A 429 that still comes pauses every send for its <c>retry_after</c> and slows the pace; it recovers
/// a little with every send that goes through.
/// </summary>
public sealed class SendPacer(SendPacing pacing, TimeProvider clock)
{
    private const double SlowestPace = 0.25;

    /// <summary>
    /// Sends leave evenly spaced but arrive with a little jitter; pacing 2 % under the limit keeps every second
    /// Telegram looks at under it, where pacing at the limit itself draws the odd 429.
    /// </summary>
    private const double Margin = 0.98;
    private static readonly TimeSpan PrivateWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan GroupWindow = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, ChatSendWindow> _chats = [];
    private DateTimeOffset _nextSlot;
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
            await DelayUntilAsync(ReserveChat(chatId), cancellationToken);
            await DelayUntilAsync(ReserveSlot(), cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
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

    /// <summary>Telegram said 429: nothing goes before <paramref name="retryAfter"/> is over, and the pace drops.</summary>
    public void RateLimited(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var until = clock.GetUtcNow() + retryAfter;
            _pausedUntil = until > _pausedUntil ? until : _pausedUntil;
            _pace = Math.Max(SlowestPace, _pace * 0.7);
        }
    }

    private DateTimeOffset ReserveChat(long chatId)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (!_chats.TryGetValue(chatId, out var window))
            {
                // Negative ids are groups, supergroups and channels.
                window = chatId < 0
                    ? new ChatSendWindow((int)Math.Round(pacing.PerGroupPerMinute), GroupWindow)
                    : new ChatSendWindow((int)Math.Round(pacing.PerChatPerSecond * PrivateWindow.TotalSeconds), PrivateWindow);
                _chats[chatId] = window;
                ForgetIdleChats(now);
            }

            return window.Reserve(now);
        }
    }

    private DateTimeOffset ReserveSlot()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var slot = Latest(now, _nextSlot, _pausedUntil);
            _nextSlot = slot + TimeSpan.FromSeconds(1 / (pacing.PerSecond * Margin * _share * _pace));
            return slot;
        }
    }

    private void ForgetIdleChats(DateTimeOffset now)
    {
        if (_chats.Count % 1024 != 0)
        {
            return;
        }

        foreach (var idle in _chats.Where(c => c.Value.IsIdle(now)).Select(c => c.Key).ToList())
        {
            _chats.Remove(idle);
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

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) =>
        new(Math.Max(a.UtcTicks, Math.Max(b.UtcTicks, c.UtcTicks)), TimeSpan.Zero);
}
