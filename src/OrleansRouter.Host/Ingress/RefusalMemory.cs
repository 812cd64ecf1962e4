namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Which strangers were refused lately, so each is told no at most once per interval. Bounded: past its capacity the
/// oldest refusals are forgotten first (such a chat may be told once more), so a flood of new chat ids costs a fixed
/// amount of memory. Not thread-safe; its owner locks.
/// </summary>
public sealed class RefusalMemory(int capacity, TimeSpan interval)
{
    private readonly Dictionary<long, DateTimeOffset> _refusedAt = [];
    private readonly Queue<(long ChatId, DateTimeOffset At)> _order = new();

    public int Count => _refusedAt.Count;

    /// <summary>True, and remembered, when <paramref name="chatId"/> was not refused within the interval before <paramref name="now"/>.</summary>
    public bool TryRefuse(long chatId, DateTimeOffset now)
    {
        Forget(now);
        if (_refusedAt.TryGetValue(chatId, out var at) && now - at < interval)
        {
            return false;
        }

        _refusedAt[chatId] = now;
        _order.Enqueue((chatId, now));
        while (_refusedAt.Count > capacity)
        {
            ForgetOldest();
        }

        return true;
    }

    private void Forget(DateTimeOffset now)
    {
        while (_order.Count > 0 && now - _order.Peek().At >= interval)
        {
            ForgetOldest();
        }
    }

    private void ForgetOldest()
    {
        var (chatId, at) = _order.Dequeue();

        // A chat refused again later has a newer entry further on: only its own entry forgets it.
        if (_refusedAt.TryGetValue(chatId, out var latest) && latest == at)
        {
            _refusedAt.Remove(chatId);
        }
    }
}
