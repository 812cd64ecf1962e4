namespace OrleansRouter.Testing;

/// <summary>One span of an OTLP export, with its ids in hex and its string attributes.</summary>
public sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Reads the spans out of an OTLP/HTTP traces body (an <c>ExportTraceServiceRequest</c> in protobuf), written from the
/// OTLP proto definitions, only as far as tests need: resource spans → scope spans → spans and their string attributes.
/// </summary>
public static class OtlpSpans
{
    public static IEnumerable<ExportedSpan> Parse(byte[] body) =>
        Fields(body).Where(f => f.Number == 1).SelectMany(resource =>
            Fields(resource.Bytes).Where(f => f.Number == 2).SelectMany(scope =>
                Fields(scope.Bytes).Where(f => f.Number == 2).Select(span => Span(span.Bytes ?? []))));

    private static ExportedSpan Span(byte[] span)
    {
        var fields = Fields(span).ToList();
        string Hex(int number) => Convert.ToHexStringLower(fields.FirstOrDefault(f => f.Number == number).Bytes ?? []);
        var attributes = new Dictionary<string, string>();
        foreach (var pair in fields.Where(f => f.Number == 9).Select(f => Fields(f.Bytes).ToList()))
        {
            var key = pair.FirstOrDefault(f => f.Number == 1).Bytes;
            var text = pair.Where(f => f.Number == 2).SelectMany(value => Fields(value.Bytes)).FirstOrDefault(f => f.Number == 1).Bytes;
            if (key is not null && text is not null)
            {
                attributes[System.Text.Encoding.UTF8.GetString(key)] = System.Text.Encoding.UTF8.GetString(text);
            }
        }

        var name = fields.FirstOrDefault(f => f.Number == 5).Bytes;
        return new ExportedSpan(Hex(1), Hex(2), Hex(4), name is null ? "" : System.Text.Encoding.UTF8.GetString(name), attributes);
    }

    /// <summary>The fields of one message; length-delimited ones with their bytes, others skipped over.</summary>
    private static IEnumerable<(int Number, byte[]? Bytes)> Fields(byte[]? message)
    {
        var at = 0;
        while (message is not null && at < message.Length)
        {
            var tag = Varint(message, ref at);
            var (number, wire) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wire)
            {
                case 0:
                    Varint(message, ref at);
                    yield return (number, null);
                    break;
                case 1:
                    at += 8;
                    yield return (number, null);
                    break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    yield return (number, message[at..(at + length)]);
                    at += length;
                    break;
                case 5:
                    at += 4;
                    yield return (number, null);
                    break;
                default:
                    throw new FormatException($"wire type {wire} at byte {at} is not protobuf this reader knows");
            }
        }
    }

    private static ulong Varint(byte[] message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
