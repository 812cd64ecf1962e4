using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OrleansRouter.Testing;

/// <summary>A reply in the Redis protocol (RESP2): a string, an error, an integer, null, or an array of replies.</summary>
public sealed record RespReply(string? Text, long? Number = null, IReadOnlyList<RespReply>? Items = null, bool IsError = false)
{
    public override string ToString() =>
        Items is { } items ? $"[{string.Join(", ", items)}]" : IsError ? $"(error) {Text}" : Number?.ToString(CultureInfo.InvariantCulture) ?? Text ?? "(nil)";

    /// <summary>A flat array of field, value, field, value… (as SENTINEL MASTER answers) as a dictionary.</summary>
    public IReadOnlyDictionary<string, string> Fields() =>
        (Items ?? []).Chunk(2).ToDictionary(pair => pair[0].Text ?? "", pair => pair.Length > 1 ? pair[1].Text ?? "" : "", StringComparer.Ordinal);
}

/// <summary>
/// One connection to a Redis server or Sentinel speaking the Redis protocol over a socket: enough for tests to set
/// up and watch servers (INFO, ROLE, SENTINEL …, DBSIZE) with no client library of their own.
/// </summary>
public sealed class RespClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RespClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>, authenticating with <paramref name="password"/> when given.</summary>
    public static async Task<RespClient> ConnectAsync(int port, string? password = null, TimeSpan? timeout = null)
    {
        var client = new TcpClient();
        try
        {
            using var connecting = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
            await client.ConnectAsync("127.0.0.1", port, connecting.Token);
            var resp = new RespClient(client);
            if (password is not null && await resp.SendAsync("AUTH", password) is { IsError: true } refused)
            {
                throw new InvalidOperationException($"AUTH on port {port}: {refused.Text}");
            }

            return resp;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>One command and its reply, on a fresh connection: for probes that must not share a broken one.</summary>
    public static async Task<RespReply> OnceAsync(int port, string? password, params string[] command)
    {
        await using var client = await ConnectAsync(port, password);
        return await client.SendAsync(command);
    }

    /// <summary>Sends one command and reads its reply; an error reply is returned, not thrown.</summary>
    public async Task<RespReply> SendAsync(params string[] command)
    {
        var request = new StringBuilder();
        request.Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var part in command)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        return await ReadReplyAsync(timeout.Token);
    }

    /// <summary>The fields of an INFO section ("replication", "persistence", …).</summary>
    public async Task<IReadOnlyDictionary<string, string>> InfoAsync(string section) =>
        ((await SendAsync("INFO", section)).Text ?? "")
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
            .ToDictionary(line => line[..line.IndexOf(':', StringComparison.Ordinal)], line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<RespReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        var rest = line[1..];
        switch (line[0])
        {
            case '+':
                return new RespReply(rest);
            case '-':
                return new RespReply(rest, IsError: true);
            case ':':
                return new RespReply(null, long.Parse(rest, CultureInfo.InvariantCulture));
            case '$':
                var length = int.Parse(rest, CultureInfo.InvariantCulture);
                return length < 0 ? new RespReply(null) : new RespReply(Encoding.UTF8.GetString(await ReadExactlyAsync(length + 2, cancellationToken), 0, length));
            case '*':
                var count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return new RespReply(null);
                }

                var items = new List<RespReply>(count);
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(cancellationToken));
                }

                return new RespReply(null, Items: items);
            default:
                throw new InvalidDataException($"not a RESP reply: {line}");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (end >= 0)
            {
                if (end == _start || _buffer[end - 1] != '\r')
                {
                    throw new InvalidDataException("a RESP line that does not end in CRLF");
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, end - 1 - _start);
                _start = end + 1;
                return line;
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var take = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("a RESP line longer than the read buffer");
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }

        _end += read;
    }
}
