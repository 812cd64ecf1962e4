using System.Collections.Concurrent;

namespace OrleansRouter.Testing;

/// <summary>
/// Users writing steadily into many chats until stopped; then the reckoning: for every chat, were all its
/// messages answered, once each, in order?
/// </summary>
public sealed class Load : IAsyncDisposable
{
    private readonly BotApiEmulator _telegram;
    private readonly IReadOnlyList<long> _chats;
    private readonly ConcurrentDictionary<long, List<(string Text, DateTimeOffset At)>> _posted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private Load(BotApiEmulator telegram, IReadOnlyList<long> chats, TimeSpan interval, bool onSchedule)
    {
        _telegram = telegram;
        _chats = chats;
        _running = RunAsync(interval, onSchedule);
    }

    /// <summary>Posts one message, waits <paramref name="interval"/>, and so on, to the chats in turn: a late timer slows the load.</summary>
    public static Load Start(BotApiEmulator telegram, IReadOnlyList<long> chats, TimeSpan interval) => new(telegram, chats, interval, onSchedule: false);

    /// <summary>
    /// Posts <paramref name="perSecond"/> messages a second, to the chats in turn, on a schedule: a late timer is caught
    /// up, so the rate holds even when a message is due more often than the timer can fire.
    /// </summary>
    public static Load StartPaced(BotApiEmulator telegram, IReadOnlyList<long> chats, int perSecond) =>
        new(telegram, chats, TimeSpan.FromSeconds(1.0 / perSecond), onSchedule: true);

    public int Posted => _posted.Values.Sum(p => p.Count);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    /// <summary>Waits until every posted message has at least one reply.</summary>
    public Task AllAnsweredAsync(TimeSpan timeout) =>
        _telegram.WaitUntilAsync(_ => Reckon().Lost == 0, timeout, $"a reply to each of {Posted} messages ({Reckon()})");

    public Reckoning Reckon()
    {
        int lost = 0, duplicates = 0, outOfOrder = 0;
        foreach (var chat in _chats)
        {
            var posted = _posted.TryGetValue(chat, out var list) ? list.Select(t => $"reply: {t.Text}").ToList() : [];
            var replies = _telegram.SentTo(chat).Select(m => m.Text).ToList();
            lost += posted.Except(replies).Count();
            duplicates += replies.Count - replies.Distinct().Count();
            var firstReplies = replies.Distinct().ToList();
            outOfOrder += firstReplies.SequenceEqual(posted.Where(firstReplies.Contains)) ? 0 : 1;
        }

        return new Reckoning(Posted, lost, duplicates, outOfOrder);
    }

    /// <summary>From each answered message's posting to its first reply, in posting order.</summary>
    public IReadOnlyList<TimeSpan> Latencies() =>
        _posted
            .SelectMany(chat =>
            {
                var firstReplies = _telegram.SentTo(chat.Key).GroupBy(m => m.Text).ToDictionary(g => g.Key, g => g.Min(m => m.At));
                return chat.Value
                    .Where(p => firstReplies.ContainsKey($"reply: {p.Text}"))
                    .Select(p => (p.At, Latency: firstReplies[$"reply: {p.Text}"] - p.At));
            })
            .OrderBy(p => p.At)
            .Select(p => p.Latency)
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, bool onSchedule)
    {
        var next = 0;
        var counters = _chats.ToDictionary(c => c, _ => 0);
        var start = DateTimeOffset.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            var chat = _chats[next++ % _chats.Count];
            var text = $"message {++counters[chat]}";
            _posted.GetOrAdd(chat, _ => []).Add((text, DateTimeOffset.UtcNow));
            _telegram.Post(chat, text);
            var wait = onSchedule ? start + (next * interval) - DateTimeOffset.UtcNow : interval;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

/// <param name="OutOfOrder">Chats whose first replies did not come in the order their messages were written.</param>
public sealed record Reckoning(int Posted, int Lost, int Duplicates, int OutOfOrder)
{
    public override string ToString() => $"{Posted} posted, {Lost} lost, {Duplicates} duplicates, {OutOfOrder} chats out of order";
}
