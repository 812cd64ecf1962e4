using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace OrleansRouter.Testing.Hostile;

/// <summary>
/// Makes a running .NET process collect its garbage, from outside, as profilers do: through the runtime's diagnostic
/// IPC socket, an EventPipe session that enables the runtime provider's GCHeapCollect keyword (the runtime answers it
/// with a blocking full collection), then stops it. Written from the .NET diagnostics IPC protocol; no package.
/// </summary>
public static class GarbageCollectionTrigger
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const ulong GCHeapCollectKeyword = 0x800000;
    private const uint Informational = 4;
    private const byte EventPipeCommands = 0x02;
    private const byte StopTracing = 0x01;
    private const byte CollectTracing2 = 0x03;
    private const byte ServerResponses = 0xFF;
    private const byte Ok = 0x00;

    /// <summary>Collects in process <paramref name="pid"/>; false when it has no diagnostic socket or refused.</summary>
    public static async Task<bool> RunAsync(int pid, CancellationToken cancellationToken = default)
    {
        var socketPath = Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{pid}-*-socket").FirstOrDefault();
        if (socketPath is null)
        {
            return false;
        }

        using var session = await ConnectAsync(socketPath, cancellationToken);
        var providers = new List<byte>();
        providers.AddRange(UInt32(1));
        providers.AddRange(UInt64(GCHeapCollectKeyword));
        providers.AddRange(UInt32(Informational));
        providers.AddRange(IpcString(RuntimeProvider));
        providers.AddRange(IpcString(null));
        byte[] payload = [.. UInt32(16), .. UInt32(1), 0, .. providers];
        var sessionId = await CommandAsync(session, CollectTracing2, payload, cancellationToken);
        if (sessionId is null)
        {
            return false;
        }

        // The trace streams on this connection until the session stops; it is read and thrown away.
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var draining = DrainAsync(session, stopReading.Token);
        using (var stop = await ConnectAsync(socketPath, cancellationToken))
        {
            await CommandAsync(stop, StopTracing, UInt64(sessionId.Value), cancellationToken);
        }

        await stopReading.CancelAsync();
        await draining;
        return true;
    }

    private static async Task<Socket> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        return socket;
    }

    /// <summary>Sends one command; the 8-byte id the runtime answers with, or null when it answered an error.</summary>
    private static async Task<ulong?> CommandAsync(Socket socket, byte command, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new byte[20 + payload.Length];
        Encoding.ASCII.GetBytes("DOTNET_IPC_V1\0").CopyTo(message, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(14), (ushort)message.Length);
        message[16] = EventPipeCommands;
        message[17] = command;
        payload.CopyTo(message, 20);
        await socket.SendAsync(message, cancellationToken);

        var header = await ReceiveAsync(socket, 20, cancellationToken);
        var size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(14));
        var body = await ReceiveAsync(socket, size - 20, cancellationToken);
        return header[16] == ServerResponses && header[17] == Ok && body.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(body) : null;
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var got = await socket.ReceiveAsync(buffer.AsMemory(read), cancellationToken);
            if (got == 0)
            {
                throw new IOException("the diagnostic socket closed in the middle of an answer");
            }

            read += got;
        }

        return buffer;
    }

    private static async Task DrainAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // Stopped, or the runtime closed the session.
        }
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>The protocol's string: its length in UTF-16 units with the terminating NUL, then the units; null is length 0.</summary>
    private static byte[] IpcString(string? value) =>
        value is null ? UInt32(0) : [.. UInt32((uint)value.Length + 1), .. Encoding.Unicode.GetBytes(value + "\0")];
}
