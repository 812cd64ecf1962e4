using System.Net.Http.Headers;
using OrleansRouter.Personas;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Where a persona's credential may go: only to the origin (scheme, host, port) of its <c>agent_url</c>, and over
/// plain http only when that is loopback (local development). An agent card cannot widen this: a card naming an
/// endpoint elsewhere is refused for a persona with a credential, and followed without one for a persona without.
/// </summary>
internal static class CredentialScope
{
    /// <summary>"https://agents.example.com:443": the port always written, so that default and explicit ports compare equal.</summary>
    public static string Origin(Uri url) =>
        url.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.StrongPort, UriFormat.UriEscaped);

    public static bool SameOrigin(Uri a, Uri b) => string.Equals(Origin(a), Origin(b), StringComparison.OrdinalIgnoreCase);

    public static bool HasCredential(Persona persona) => persona.Auth.Scheme != AuthScheme.None;

    /// <summary>Whether the persona's credential goes with a request to <paramref name="target"/>.</summary>
    public static bool Covers(Persona persona, Uri target) =>
        HasCredential(persona) && SameOrigin(persona.AgentUrl, target) && (target.Scheme == Uri.UriSchemeHttps || target.IsLoopback);

    /// <summary>Why the persona may not call <paramref name="endpoint"/> (the card's choice); null when it may.</summary>
    public static AgentFailure? Refusal(Persona persona, Uri endpoint)
    {
        if (!HasCredential(persona))
        {
            return null;
        }

        if (!SameOrigin(persona.AgentUrl, endpoint))
        {
            return new AgentFailure(FailureClass.Fatal, AgentFailureCodes.CardElsewhere,
                $"card points to another origin ({Origin(endpoint)}): refused; the credential goes only to {Origin(persona.AgentUrl)}");
        }

        return endpoint.Scheme == Uri.UriSchemeHttps || endpoint.IsLoopback
            ? null
            : new AgentFailure(FailureClass.Fatal, AgentFailureCodes.InsecureTransport,
                $"the credential is never sent over plain http off loopback ({Origin(endpoint)}): refused");
    }

    /// <summary>Adds the persona's credential, when it may go to this request's URL.</summary>
    public static void Authorize(HttpRequestMessage request, Persona persona)
    {
        if (!Covers(persona, request.RequestUri!))
        {
            return;
        }

        var auth = persona.Auth;
        switch (auth.Scheme)
        {
            case AuthScheme.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth.Credential);
                break;
            case AuthScheme.ApiKey:
                request.Headers.TryAddWithoutValidation(auth.Header!, auth.Credential);
                break;
        }
    }
}
