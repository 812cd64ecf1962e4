using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using OrleansRouter.Host.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// Sends every log line, as JSON, to a log drain over TCP or UDP as well (<c>LOG_FORWARD</c>), each line preceded by
/// <c>LOG_DRAIN_TOKEN</c> and a space when one is set. Logging never waits for the drain: lines go into a bounded
/// buffer and a background loop sends them, reconnecting as needed; when the buffer is full a line is dropped and
/// counted. A drain that is down costs lines, never the router. Over UDP a line must fit one datagram: a longer one
/// is cut on a UTF-8 boundary to <see cref="MaxDatagramBytes"/> (token and newline included), ending in
/// <see cref="TruncatedMarker"/>, and counted; one the network still refuses as too large is dropped and counted,
/// never sent again, so one huge line cannot stop the lines behind it.
/// </summary>
public sealed class LogForwardingSink : ILogEventSink, IDisposable
{
    public const int Capacity = 10_000;

    /// <summary>The largest line sent over UDP: below the 65,507 bytes of an IPv4 datagram's payload.</summary>
    public const int MaxDatagramBytes = 65_000;

    public const string TruncatedMarker = " [truncated]";

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(10);

    private readonly LogForward _target;
    private readonly ITextFormatter _formatter;
    private readonly Channel<byte[]> _lines = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sending;
    private long _dropped;
    private long _sent;
    private long _truncated;
    private int _disposed;

    public LogForwardingSink(LogForward target, ITextFormatter formatter)
    {
        _target = target;
        _formatter = formatter;
        _sending = Task.Run(SendAsync);
    }

    public LogForward Target => _target;

    /// <summary>Lines lost because the buffer was full (the drain down or too slow), since the start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Lines cut to fit a datagram, since the start.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    public bool Connected { get; private set; }

    public void Emit(LogEvent logEvent)
    {
        using var line = new StringWriter();
        _formatter.Format(logEvent, line);
        var text = line.ToString().TrimEnd('\n');
        var bytes = Encoding.UTF8.GetBytes((_target.Token is { } token ? $"{token} {text}" : text) + "\n");
        if (_target.Transport == LogTransport.Udp && bytes.Length > MaxDatagramBytes)
        {
            bytes = Truncate(bytes, MaxDatagramBytes);
            Interlocked.Increment(ref _truncated);
        }

        if (!_lines.Writer.TryWrite(bytes))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _lines.Writer.TryComplete();

        // A drain that is up gets the last lines; one that is down does not hold the shutdown.
        _sending.Wait(TimeSpan.FromSeconds(2));
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>The line cut to <paramref name="max"/> bytes with the marker and its newline, on a UTF-8 character boundary.</summary>
    public static byte[] Truncate(byte[] line, int max)
    {
        var tail = Encoding.UTF8.GetBytes(TruncatedMarker + "\n");
        var cut = max - tail.Length;
        while (cut > 0 && (line[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return [.. line.AsSpan(0, cut), .. tail];
    }

    private async Task SendAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        byte[]? pending = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var connection = await ConnectAsync();
                Connected = true;
                backoff = TimeSpan.FromMilliseconds(500);
                while (true)
                {
                    pending ??= await _lines.Reader.ReadAsync(_stop.Token);
                    try
                    {
                        await connection.SendAsync(pending, _stop.Token);
                        Interlocked.Increment(ref _sent);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
                    {
                        // Too large for this network even after the cut: sending it again would fail again.
                        Interlocked.Increment(ref _dropped);
                    }

                    pending = null;
                }
            }
            catch (ChannelClosedException)
            {
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                Connected = false;
                await Task.Delay(backoff).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = backoff * 2 < LongestBackoff ? backoff * 2 : LongestBackoff;
            }
        }
    }

    private async Task<DrainConnection> ConnectAsync()
    {
        if (_target.Transport == LogTransport.Udp)
        {
            var udp = new UdpClient();
            udp.Connect(_target.Host, _target.Port);
            return new DrainConnection(null, udp);
        }

        var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await tcp.ConnectAsync(_target.Host, _target.Port, timeout.Token);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        return new DrainConnection(tcp, null);
    }

    private sealed class DrainConnection(TcpClient? tcp, UdpClient? udp) : IDisposable
    {
        public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            if (tcp is not null)
            {
                await tcp.GetStream().WriteAsync(bytes, cancellationToken);
            }
            else
            {
                await udp!.SendAsync(bytes, cancellationToken);
            }
        }

        public void Dispose()
        {
            tcp?.Dispose();
            udp?.Dispose();
        }
    }
}
