using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Parses a response body, and when it is no JSON says which way. Not JSON at all, or cut short, is what a proxy or
/// a dropped connection gives: transient, the same request may well succeed a moment later. Nested deeper than
/// <see cref="MaxDepth"/> is no A2A answer: a fatal protocol violation. The parser is iterative and stops at the
/// limit, so a 10,000-deep body costs neither stack nor more memory than its bytes.
/// </summary>
internal static class JsonBody
{
    public const int MaxDepth = 64;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The document, or null with <paramref name="failure"/> saying why.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, out AgentFailure? failure)
    {
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        try
        {
            failure = null;
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            failure = Classify(body.Span);
            return null;
        }
    }

    private static AgentFailure Classify(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException) when (reader.CurrentDepth >= MaxDepth - 1)
        {
            return new AgentFailure(FailureClass.Fatal, AgentFailureCodes.InvalidResponse, $"the answer nests deeper than {MaxDepth} levels");
        }
        catch (JsonException)
        {
        }

        return new AgentFailure(FailureClass.Transient, AgentFailureCodes.InvalidResponseBody,
            body.IsEmpty ? "the answer has an empty body" : "the answer is not JSON, or was cut short");
    }
}
