using System.Net;
using System.Net.Sockets;

namespace OrleansRouter.Testing;

/// <summary>
/// Ports for processes that must be told theirs before they start. They come from below the kernel's ephemeral
/// range, which outgoing connections and port-0 listeners draw from: a port handed out here and free when checked
/// must not be taken by someone's outgoing connection before its process binds it.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly int Highest = EphemeralStart() - 1;
    private static int _next = Lowest + (Environment.ProcessId % 50) * ((Highest - Lowest) / 50);

    /// <summary>A loopback port nobody listens on now, from a range no other caller in this process is given.</summary>
    public static int Next()
    {
        while (true)
        {
            var candidate = Interlocked.Increment(ref _next);
            if (candidate > Highest)
            {
                Interlocked.Exchange(ref _next, Lowest);
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, candidate);
                listener.Start();
                return candidate;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
            }
        }
    }

    private static int EphemeralStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = File.Exists(Range) ? File.ReadAllText(Range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        return int.TryParse(first, out var start) && start > Lowest + 1_000 ? start : 32_768;
    }
}
