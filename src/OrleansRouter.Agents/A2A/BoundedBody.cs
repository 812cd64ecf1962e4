namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Reads a response body up to a limit and never further: an agent that sends more gets its answer refused after
/// at most limit + 1 bytes, whatever it declared, so memory per call stays bounded.
/// </summary>
internal static class BoundedBody
{
    private const int FirstBuffer = 16 * 1024;

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    /// <exception cref="IOException">The connection broke before the body was complete.</exception>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > limit)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[declared is { } length ? (int)length + 1 : Math.Min(FirstBuffer, limit + 1)];
        var count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(count), cancellationToken);
            if (read == 0)
            {
                return buffer.AsMemory(0, count);
            }

            count += read;
            if (count > limit)
            {
                return null;
            }
        }
    }
}
