namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// At most <see cref="Limit"/> sends to one chat in any <see cref="Length"/>: a sliding log of the last sends.
/// A private chat gets three seconds' worth (about one a second, with short bursts), a group a minute's worth.
/// A 429 for the chat pauses it, and only it, until its <c>retry_after</c> is over.
/// </summary>
internal sealed class ChatSendWindow(int limit, TimeSpan length)
{
    /// <summary>The sends the window counts, oldest first.</summary>
    private readonly List<DateTimeOffset> _sends = [];

    public int Limit { get; } = Math.Max(1, limit);

    public TimeSpan Length { get; } = length;

    /// <summary>Nothing goes to the chat before this: the end of its last 429's <c>retry_after</c>.</summary>
    public DateTimeOffset PausedUntil { get; private set; }

    public void PauseUntil(DateTimeOffset until) => PausedUntil = until > PausedUntil ? until : PausedUntil;

    /// <summary>Books the next send and returns when it may go: now, or when the oldest send leaves the window.</summary>
    public DateTimeOffset Reserve(DateTimeOffset now)
    {
        Forget(now);

        var at = _sends.Count < Limit ? now : _sends[^Limit] + Length;
        at = at < PausedUntil ? PausedUntil : at;
        _sends.Add(at);
        return at;
    }

    /// <summary>
    /// Books a send for now only if it can go now and still leave <paramref name="keepFree"/> sends of the window
    /// free; false, and nothing booked, otherwise.
    /// </summary>
    public bool TryReserveNow(DateTimeOffset now, int keepFree)
    {
        Forget(now);
        if (PausedUntil > now || _sends.Count + keepFree >= Limit)
        {
            return false;
        }

        _sends.Add(now);
        return true;
    }

    /// <summary>Whether the window has forgotten every send and no pause is running, so it can be dropped.</summary>
    /// <summary>When <see cref="TryReserveNow"/> would next find a send free, keeping <paramref name="keepFree"/>.</summary>
    public DateTimeOffset FreeAt(DateTimeOffset now, int keepFree)
    {
        Forget(now);
        var over = _sends.Count + keepFree - Limit;
        var free = over < 0 ? now : _sends[over] + Length;
        return free > PausedUntil ? free : PausedUntil;
    }

    /// <summary>A send booked for <paramref name="booked"/> left at <paramref name="left"/>: the window counts it from then.</summary>
    public void Left(DateTimeOffset booked, DateTimeOffset left)
    {
        var index = _sends.IndexOf(booked);
        if (index < 0 || left <= booked)
        {
            return;
        }

        _sends.RemoveAt(index);
        var at = _sends.FindIndex(s => s > left);
        _sends.Insert(at < 0 ? _sends.Count : at, left);
    }

    public bool IsIdle(DateTimeOffset now) => PausedUntil <= now && (_sends.Count == 0 || _sends.Max() <= now - Length);

    private void Forget(DateTimeOffset now)
    {
        var old = _sends.FindIndex(s => s > now - Length);
        _sends.RemoveRange(0, old < 0 ? _sends.Count : old);
    }
}
