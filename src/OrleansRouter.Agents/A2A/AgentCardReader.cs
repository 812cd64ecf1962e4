using System.Text.Json;
using OrleansRouter.Media;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Finds the JSON-RPC endpoint, protocol version and capabilities in an agent card of either version:
/// v1.0 lists them in <c>supportedInterfaces</c>; v0.3 has <c>url</c>, <c>preferredTransport</c> and <c>protocolVersion</c>.
/// </summary>
internal static class AgentCardReader
{
    private const string JsonRpc = "JSONRPC";

    public static AgentCard? Read(JsonElement card, Uri cardUrl, out string? problem)
    {
        problem = null;
        if (card.ValueKind != JsonValueKind.Object)
        {
            problem = "the agent card is not a JSON object";
            return null;
        }

        var name = Json.String(card, "name") ?? "agent";
        var endpoint = FromInterfaces(card, cardUrl) ?? FromLegacyFields(card, cardUrl);
        if (endpoint is null)
        {
            problem = "the agent card names no JSON-RPC endpoint";
            return null;
        }

        var capabilities = Json.Object(card, "capabilities");
        return new AgentCard(name, endpoint.Value.Url, endpoint.Value.Dialect,
            Streaming: Says(capabilities, "streaming"), PushNotifications: Says(capabilities, "pushNotifications"))
        {
            InputModes = InputModesOf(card),
        };
    }

    /// <summary>The card's default input modes and every skill's own: the router does not pick a skill.</summary>
    private static MediaModes InputModesOf(JsonElement card) => new(
        Json.Array(card, "defaultInputModes")
            .Concat(Json.Array(card, "skills").SelectMany(skill => Json.Array(skill, "inputModes")))
            .Select(Json.String)
            .OfType<string>()
            .Take(256));

    private static bool Says(JsonElement? capabilities, string capability) =>
        capabilities is { } all && all.TryGetProperty(capability, out var flag) && flag.ValueKind == JsonValueKind.True;

    /// <summary>v1.0: the first JSON-RPC interface in version 1.x, else the first JSON-RPC interface at all.</summary>
    private static (Uri Url, A2ADialect Dialect)? FromInterfaces(JsonElement card, Uri cardUrl)
    {
        if (!card.TryGetProperty("supportedInterfaces", out var interfaces) || interfaces.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var candidates = interfaces.EnumerateArray()
            .Where(i => IsJsonRpc(Json.String(i, "protocolBinding") ?? Json.String(i, "transport")))
            .Select(i => (Url: Resolve(Json.String(i, "url"), cardUrl), Dialect: DialectOf(Json.String(i, "protocolVersion"))))
            .Where(c => c.Url is not null)
            .ToList();
        var chosen = candidates.FirstOrDefault(c => c.Dialect == A2ADialect.V1);
        chosen = chosen.Url is null ? candidates.FirstOrDefault() : chosen;
        return chosen.Url is null ? null : (chosen.Url, chosen.Dialect);
    }

    /// <summary>v0.3: <c>url</c> when it serves JSON-RPC, else a JSON-RPC entry of <c>additionalInterfaces</c>.</summary>
    private static (Uri Url, A2ADialect Dialect)? FromLegacyFields(JsonElement card, Uri cardUrl)
    {
        var dialect = DialectOf(Json.String(card, "protocolVersion") ?? "0.3");
        if (IsJsonRpc(Json.String(card, "preferredTransport") ?? JsonRpc) && Resolve(Json.String(card, "url"), cardUrl) is { } url)
        {
            return (url, dialect);
        }

        if (card.TryGetProperty("additionalInterfaces", out var additional) && additional.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in additional.EnumerateArray())
            {
                if (IsJsonRpc(Json.String(entry, "transport")) && Resolve(Json.String(entry, "url"), cardUrl) is { } other)
                {
                    return (other, dialect);
                }
            }
        }

        return null;
    }

    private static bool IsJsonRpc(string? binding) =>
        binding is not null && binding.Replace("-", "", StringComparison.Ordinal).Equals(JsonRpc, StringComparison.OrdinalIgnoreCase);

    /// <summary>"1.0" is v1; "0.3", "0.3.0" and the older "0.2.x" speak the v0.3 wire format.</summary>
    private static A2ADialect DialectOf(string? version) =>
        version is not null && version.StartsWith("0.", StringComparison.Ordinal) ? A2ADialect.V03 : A2ADialect.V1;

    private static Uri? Resolve(string? url, Uri cardUrl) =>
        url is not null && Uri.TryCreate(cardUrl, url, out var resolved) && resolved.Scheme is "http" or "https" ? resolved : null;
}
