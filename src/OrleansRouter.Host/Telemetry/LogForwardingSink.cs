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
/// counted. A drain that is down costs lines, never the router.
/// </summary>
public sealed class LogForwardingSink : ILogEventSink, IDisposable
{
    public const int Capacity = 10_000;

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(10);

    private readonly LogForward _target;
    private readonly ITextFormatter _formatter;
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sending;
    private long _dropped;
    private long _sent;
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

    public bool Connected { get; private set; }

    public void Emit(LogEvent logEvent)
    {
        using var line = new StringWriter();
        _formatter.Format(logEvent, line);
        var text = line.ToString().TrimEnd('\n');
        if (!_lines.Writer.TryWrite(_target.Token is { } token ? $"{token} {text}" : text))
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

    private async Task SendAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        string? pending = null;
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
                    await connection.SendAsync(pending, _stop.Token);
                    Interlocked.Increment(ref _sent);
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
        public async Task SendAsync(string line, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
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
