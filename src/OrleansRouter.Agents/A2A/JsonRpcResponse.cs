using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>One JSON-RPC exchange: a result, an error object, or a failure to get either.</summary>
internal abstract record JsonRpcResponse
{
    public sealed record Result(JsonElement Value) : JsonRpcResponse;

    public sealed record Error(int Code, string Message) : JsonRpcResponse;

    public sealed record Failed(AgentFailure Failure) : JsonRpcResponse;

    /// <summary>Reads a parsed JSON-RPC response body; null when the JSON is not one.</summary>
    public static JsonRpcResponse? Read(JsonElement root)
    {
        if (Json.Object(root, "error") is { } error)
        {
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 0;
            return new Error(code, Json.String(error, "message") ?? "");
        }

        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result", out var result)
            ? new Result(result.Clone())
            : null;
    }
}
