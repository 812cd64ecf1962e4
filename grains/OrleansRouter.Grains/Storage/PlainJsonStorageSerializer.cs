using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Orleans.Storage;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Grains.Storage;

/// <summary>
/// Chat state as plain JSON, written by System.Text.Json: the same property names and values that Orleans' default
/// Newtonsoft serializer writes, without its <c>$id</c>/<c>$type</c> metadata. That serializer cost a tenth of the
/// router's CPU per message (docs/benchmarks.md); this one writes the same state in a fraction of it.
/// </summary>
/// <remarks>
/// Both directions of a rolling upgrade keep working. A silo of the previous release reads this JSON with its
/// Newtonsoft serializer (the declared types need no metadata), and this serializer hands state that a previous
/// release wrote, recognised by its leading metadata property, to <paramref name="previous"/>.
/// </remarks>
/// <param name="previous">Orleans' default grain storage serializer, for state written before this one.</param>
public sealed class PlainJsonStorageSerializer(IGrainStorageSerializer previous) : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ChatStorageJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input) =>
        WrittenWithMetadata(input.ToMemory().Span)
            ? previous.Deserialize<T>(input)
            : JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);

    /// <summary>Newtonsoft's reference and type handling put <c>$id</c> or <c>$type</c> first in every object.</summary>
    internal static bool WrittenWithMetadata(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject
            && reader.Read() && reader.TokenType == JsonTokenType.PropertyName
            && reader.ValueSpan is [(byte)'$', ..];
    }
}

/// <summary>Serialization code generated at build time, so that the first write after a start costs no reflection.</summary>
[JsonSerializable(typeof(ChatState))]
[JsonSerializable(typeof(ReplyProgress))]
internal sealed partial class ChatStorageJson : JsonSerializerContext;
