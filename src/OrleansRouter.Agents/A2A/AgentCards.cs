using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using OrleansRouter.Personas;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Finds and keeps each persona's agent card, and says whether its endpoint may be called for the persona (see
/// <see cref="CredentialScope"/>). A card is trusted for <see cref="A2AClientOptions.CardLifetime"/>.
/// </summary>
internal sealed class AgentCards(IHttpClientFactory httpClients, A2AClientOptions options, TimeProvider clock, ILogger logger)
{
    private static readonly string[] CardPaths = [".well-known/agent-card.json", ".well-known/agent.json"];

    private readonly ConcurrentDictionary<Uri, (AgentCard Card, DateTimeOffset Expires)> _cards = new();
    private readonly ConcurrentDictionary<string, string> _elsewhereLogged = new();

    /// <summary>The persona's card, from the cache while it is fresh, and whether its endpoint may be called.</summary>
    public async Task<(AgentCard? Card, AgentFailure? Failure)> GetCallableAsync(Persona persona, CancellationToken cancellationToken)
    {
        var (card, failure) = _cards.TryGetValue(persona.AgentUrl, out var cached) && cached.Expires > clock.GetUtcNow()
            ? (cached.Card, null)
            : await FetchAsync(persona, cancellationToken);
        if (card is null)
        {
            return (null, failure);
        }

        return CheckEndpoint(persona, card) is { } refused ? (null, refused) : (card, null);
    }

    /// <summary>
    /// Whether the card's endpoint may be called for this persona (see <see cref="CredentialScope"/>); a card pointing
    /// to another origin is logged once per persona and origin, refused or followed.
    /// </summary>
    public AgentFailure? CheckEndpoint(Persona persona, AgentCard card)
    {
        var refusal = CredentialScope.Refusal(persona, card.Endpoint);
        if (CredentialScope.SameOrigin(persona.AgentUrl, card.Endpoint))
        {
            _elsewhereLogged.TryRemove(persona.Name, out _);
            return refusal;
        }

        var origin = CredentialScope.Origin(card.Endpoint);
        if (_elsewhereLogged.GetValueOrDefault(persona.Name) != origin)
        {
            _elsewhereLogged[persona.Name] = origin;
            A2ALog.CardElsewhere(logger, persona.Tag, origin, CredentialScope.Origin(persona.AgentUrl),
                refusal is null ? "followed without credentials" : "refused, the persona has a credential");
        }

        return refusal;
    }

    /// <summary>
    /// Looks for the card under the agent's base URL only, never at the root of its host, where another tenant's card
    /// may live: <c>agent-card.json</c> first, then the older <c>agent.json</c>. Fetched without the credential, and
    /// once more with it only when the card asks for it (401/403) and the credential may go there.
    /// </summary>
    public async Task<(AgentCard? Card, AgentFailure? Failure)> FetchAsync(Persona persona, CancellationToken cancellationToken)
    {
        AgentFailure? lastFailure = null;
        foreach (var url in CardUrls(persona.AgentUrl))
        {
            var (status, body, failure) = await GetAsync(url, persona, authorize: false, cancellationToken);
            if (failure is null && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && CredentialScope.Covers(persona, url))
            {
                (status, body, failure) = await GetAsync(url, persona, authorize: true, cancellationToken);
            }

            if (failure is not null)
            {
                return (null, failure);
            }

            if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                lastFailure = new AgentFailure(FailureClass.Fatal, "card_not_found", $"no agent card at {persona.AgentUrl}");
                continue;
            }

            if (status != HttpStatusCode.OK)
            {
                return (null, AgentExchange.StatusFailure(status));
            }

            using var document = JsonBody.Parse(body, out var notJson);
            if (document is null)
            {
                return (null, notJson!);
            }

            var card = AgentCardReader.Read(document.RootElement, url, out var problem);
            if (card is null)
            {
                return (null, new AgentFailure(FailureClass.Fatal, "invalid_card", problem!));
            }

            _cards[persona.AgentUrl] = (card, clock.GetUtcNow() + options.CardLifetime);
            return (card, null);
        }

        return (null, lastFailure);
    }

    private static IEnumerable<Uri> CardUrls(Uri agentUrl)
    {
        var withSlash = agentUrl.AbsoluteUri.EndsWith('/') ? agentUrl : new Uri(agentUrl.AbsoluteUri + "/");
        return CardPaths.Select(path => new Uri(withSlash, path));
    }

    private async Task<(HttpStatusCode Status, ReadOnlyMemory<byte> Body, AgentFailure? Failure)> GetAsync(
        Uri url, Persona persona, bool authorize, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (authorize)
        {
            CredentialScope.Authorize(request, persona);
        }

        return await AgentExchange.SendAsync(httpClients.CreateClient(A2AClient.HttpClientName), request, options.MaxResponseBytes, cancellationToken);
    }
}
