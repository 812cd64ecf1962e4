using System.Net;
using System.Net.Sockets;

namespace OrleansRouter.Testing;

/// <summary>Ports for processes that must be told theirs before they start.</summary>
public static class FreePort
{
    private static int _next = 20000 + (Environment.ProcessId % 200) * 100;

    /// <summary>A loopback port nobody listens on now, from a range no other caller in this process is given.</summary>
    public static int Next()
    {
        while (true)
        {
            var candidate = Interlocked.Increment(ref _next);
            if (candidate > 60000)
            {
                Interlocked.Exchange(ref _next, 20000);
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
}
