using System.Net;
using System.Text;

namespace OrleansRouter.Testing.Hostile;

/// <summary>
/// A request body of the corpus: a head, <see cref="Filler"/> copies of one byte, and a tail. A body of several MiB
/// is never held in memory whole; it is written as it goes out.
/// </summary>
public sealed class CorpusBody
{
    private const int ChunkBytes = 64 * 1024;
    private readonly byte[] _head;
    private readonly byte _fill;
    private readonly byte[] _tail;

    public CorpusBody(byte[] head, long filler = 0, byte fill = (byte)'A', byte[]? tail = null)
    {
        _head = head;
        Filler = filler;
        _fill = fill;
        _tail = tail ?? [];
    }

    public long Filler { get; }

    public long Length => _head.Length + Filler + _tail.Length;

    public static CorpusBody Of(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>The body as request content: with a Content-Length, or (<paramref name="chunked"/>) without one.</summary>
    public HttpContent ToContent(bool chunked)
    {
        var content = new Streamed(this, chunked);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }

    private async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_head, cancellationToken);
        if (Filler > 0)
        {
            var chunk = new byte[(int)Math.Min(ChunkBytes, Filler)];
            Array.Fill(chunk, _fill);
            for (var left = Filler; left > 0; left -= chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)), cancellationToken);
            }
        }

        await stream.WriteAsync(_tail, cancellationToken);
    }

    private sealed class Streamed(CorpusBody body, bool chunked) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            body.WriteAsync(stream, cancellationToken);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.WriteAsync(stream, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return !chunked;
        }
    }
}
