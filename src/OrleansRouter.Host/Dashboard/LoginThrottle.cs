using System.Net;
using System.Net.Sockets;

namespace OrleansRouter.Host.Dashboard;

/// <summary>
/// Slows down guessing of the dashboard's basic-auth password, on the dashboard and on detailed <c>/healthz</c>
/// alike (one table for both, so neither is a way around the other). Per remote address (IPv6 by its /64, which
/// one machine usually holds whole), the first <see cref="FreeFailures"/> failures cost nothing; each one after
/// them shuts the address out for twice as long as the one before, from one second up to <see cref="LongestBlock"/>,
/// and every attempt while shut out gets 429 with <c>Retry-After</c> without its password being looked at. A
/// success forgets the address; so does a quiet <see cref="ForgetAfter"/>. At most <see cref="Capacity"/> addresses
/// are kept: past that the ones quiet longest go first, so a flood of addresses costs bounded memory.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int FreeFailures = 5;
    public const int Capacity = 10_000;
    public static readonly TimeSpan LongestBlock = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Failures> _failures = [];

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset BlockedUntil);

    /// <returns>How long <paramref name="address"/> must still wait before its next attempt; null when it may try now.</returns>
    public TimeSpan? Blocked(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return _failures.TryGetValue(KeyOf(address), out var failures) && failures.BlockedUntil > now ? failures.BlockedUntil - now : null;
        }
    }

    /// <returns>How long the address is now shut out for; null while its failures are still free.</returns>
    public TimeSpan? Failed(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var key = KeyOf(address);
        lock (_gate)
        {
            var count = (_failures.TryGetValue(key, out var before) && now - before.Last < ForgetAfter ? before.Count : 0) + 1;
            var block = count <= FreeFailures ? TimeSpan.Zero : BlockFor(count - FreeFailures);
            if (before is null && _failures.Count >= Capacity)
            {
                Evict(now);
            }

            _failures[key] = new Failures(count, now, now + block);
            return block > TimeSpan.Zero ? block : null;
        }
    }

    public void Succeeded(IPAddress? address)
    {
        lock (_gate)
        {
            _failures.Remove(KeyOf(address));
        }
    }

    public int Tracked
    {
        get { lock (_gate) { return _failures.Count; } }
    }

    /// <summary>One second for the first failure past the free ones, doubling, up to <see cref="LongestBlock"/>.</summary>
    public static TimeSpan BlockFor(int overFree) =>
        overFree >= 10 ? LongestBlock : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, overFree - 1), LongestBlock.TotalSeconds));

    /// <summary>Drops every forgotten address, then, if still full, the quietest tenth.</summary>
    private void Evict(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures.Where(f => now - f.Value.Last >= ForgetAfter && f.Value.BlockedUntil <= now).ToList())
        {
            _failures.Remove(key);
        }

        if (_failures.Count >= Capacity)
        {
            foreach (var key in _failures.OrderBy(f => f.Value.Last).Take(Math.Max(1, Capacity / 10)).Select(f => f.Key).ToList())
            {
                _failures.Remove(key);
            }
        }
    }

    private static IPAddress KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
