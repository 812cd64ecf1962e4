namespace OrleansRouter.Telegram.Sending;

/// <summary>
/// At most <see cref="Limit"/> sends to one chat in any <see cref="Length"/>: a sliding log of the last sends.
/// A private chat gets three seconds' worth (about one a second, with short bursts), a group a minute's worth.
/// </summary>
internal sealed class ChatSendWindow(int limit, TimeSpan length)
{
    private readonly Queue<DateTimeOffset> _sends = new();

    public int Limit { get; } = Math.Max(1, limit);

    public TimeSpan Length { get; } = length;

    /// <summary>Books the next send and returns when it may go: now, or when the oldest send leaves the window.</summary>
    public DateTimeOffset Reserve(DateTimeOffset now)
    {
        while (_sends.Count > 0 && _sends.Peek() <= now - Length)
        {
            _sends.Dequeue();
        }

        var at = _sends.Count < Limit ? now : _sends.ElementAt(_sends.Count - Limit) + Length;
        _sends.Enqueue(at);
        return at;
    }

    /// <summary>Whether the window has forgotten every send, so it can be dropped.</summary>
    public bool IsIdle(DateTimeOffset now) => _sends.Count == 0 || _sends.Max() <= now - Length;
}
