using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>The readable content of A2A messages, artifacts and task statuses, in either protocol version.</summary>
internal static class A2AParts
{
    /// <summary>Text parts as they are, data as JSON, files by name, one part a line.</summary>
    public static string TextOf(JsonElement holder) =>
        string.Join("\n", Json.Array(holder, "parts").Select(TextOfPart).Where(t => t.Length > 0));

    /// <summary>The text of a status's message, or "" when it has none.</summary>
    public static string StatusText(JsonElement? status) =>
        status is { } s && Json.Object(s, "message") is { } message ? TextOf(message) : "";

    public static AgentTaskState State(JsonElement? status) =>
        AgentTaskStates.Parse(status is { } s ? Json.String(s, "state") : null);

    public static IReadOnlyList<ArtifactText> Artifacts(JsonElement task) =>
        [.. Json.Array(task, "artifacts").Select((a, i) => new ArtifactText(Json.String(a, "artifactId") ?? $"artifact-{i}", TextOf(a)))];

    private static string TextOfPart(JsonElement part)
    {
        if (Json.String(part, "text") is { } text)
        {
            return text;
        }

        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("data", out var data))
        {
            return data.GetRawText();
        }

        var file = Json.Object(part, "file");
        var name = Json.String(part, "filename")
            ?? (file is { } f ? Json.String(f, "name") ?? Json.String(f, "uri") : null)
            ?? Json.String(part, "url");
        return file is not null || name is not null || Json.String(part, "raw") is not null ? $"[file: {name ?? "attachment"}]" : "";
    }
}
