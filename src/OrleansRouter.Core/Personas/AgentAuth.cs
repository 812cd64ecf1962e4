namespace OrleansRouter.Personas;

/// <summary>How the router authenticates to a persona's agent. The credential never appears in <see cref="ToString"/>.</summary>
public sealed record AgentAuth(AuthScheme Scheme, string? Header, string? Credential, string? CredentialKey)
{
    public const string DefaultApiKeyHeader = "X-API-Key";

    public static AgentAuth None { get; } = new(AuthScheme.None, null, null, null);

    public static AgentAuth Bearer(string token, string key) => new(AuthScheme.Bearer, "Authorization", token, key);

    public static AgentAuth ApiKey(string header, string key, string credentialKey) => new(AuthScheme.ApiKey, header, key, credentialKey);

    public override string ToString() =>
        Scheme == AuthScheme.None ? "none" : $"{Scheme} via {Header} from {CredentialKey}";
}

public enum AuthScheme
{
    None,
    Bearer,
    ApiKey,
}
