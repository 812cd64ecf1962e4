using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>Lenient reads: a missing or mistyped field is null, never an exception.</summary>
internal static class Json
{
    public static string? String(JsonElement element, string name)
    {
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? String(value) : null;
    }

    /// <summary>The element itself as a string, or null when it is none.</summary>
    public static string? String(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // Bytes that are not UTF-8 inside a string: a JsonDocument finds them only when the string is read.
            return null;
        }
    }

    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];
}
