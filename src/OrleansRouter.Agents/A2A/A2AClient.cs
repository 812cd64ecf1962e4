using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRouter.Personas;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// An A2A client written from the specification. It finds the agent's JSON-RPC endpoint in its card, sends in the
/// dialect the card names (v1.0 <c>SendMessage</c> or v0.3 <c>message/send</c>), falls back to the other dialect once
/// when the agent does not know the method or version, and waits for a blocking answer, polling a task the agent
/// left in progress. Every failure comes back as a classified <see cref="AgentFailure"/>.
/// Against a hostile agent: the credential goes only where <see cref="CredentialScope"/> allows, redirects are
/// refused, every body is read up to <see cref="A2AClientOptions.MaxResponseBytes"/> within the one deadline, and
/// the reply is capped at <see cref="A2AClientOptions.MaxReplyChars"/>.
/// </summary>
public sealed class A2AClient(IHttpClientFactory httpClients, A2AClientOptions options, TimeProvider clock, ILogger<A2AClient>? logger = null)
    : IAgentClient
{
    public const string HttpClientName = "a2a";

    private static readonly string[] CardPaths = [".well-known/agent-card.json", ".well-known/agent.json"];
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<Uri, (AgentCard Card, DateTimeOffset Expires)> _cards = new();
    private readonly ConcurrentDictionary<Uri, A2ADialect> _learnedDialects = new();
    private readonly ConcurrentDictionary<string, string> _elsewhereLogged = new();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public async Task<AgentOutcome> SendAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            var (card, failure) = await GetCardAsync(request.Persona, deadline.Token);
            if (card is null)
            {
                return failure!;
            }

            if (CheckEndpoint(request.Persona, card) is { } refused)
            {
                return refused;
            }

            var dialect = _learnedDialects.GetValueOrDefault(card.Endpoint, card.Dialect);
            var outcome = await SendInDialectAsync(request, card.Endpoint, dialect, deadline.Token);
            if (outcome is DialectMismatch)
            {
                var other = dialect == A2ADialect.V1 ? A2ADialect.V03 : A2ADialect.V1;
                outcome = await SendInDialectAsync(request, card.Endpoint, other, deadline.Token);
                if (outcome is not DialectMismatch)
                {
                    _learnedDialects[card.Endpoint] = other;
                }
            }

            return outcome switch
            {
                DialectMismatch mismatch => new AgentFailure(FailureClass.Fatal, mismatch.Code, "the agent speaks neither A2A v1.0 nor v0.3"),
                AgentReply reply => reply with { Text = ReplyCap.Apply(reply.Text, options.MaxReplyChars) },
                _ => outcome,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AgentFailure(FailureClass.Transient, AgentFailureCodes.Timeout, $"no answer within {options.Timeout.TotalSeconds:0} s");
        }
    }

    public async Task<AgentProbe> ProbeAsync(Persona persona, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10));
        try
        {
            var (card, failure) = await FetchCardAsync(persona, deadline.Token);
            if (card is null)
            {
                return new AgentProbe(false, $"{failure!.Code}: {failure.Detail}");
            }

            if (CheckEndpoint(persona, card) is { } refused)
            {
                return new AgentProbe(false, refused.Detail);
            }

            var elsewhere = CredentialScope.SameOrigin(persona.AgentUrl, card.Endpoint)
                ? ""
                : $"; card points to another origin ({CredentialScope.Origin(card.Endpoint)}): followed without credentials";
            return new AgentProbe(true, $"{card.Name} at {card.Endpoint} ({(card.Dialect == A2ADialect.V1 ? "v1.0" : "v0.3")}){elsewhere}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AgentProbe(false, "timeout: the agent card did not arrive in time");
        }
    }

    private async Task<AgentOutcome> SendInDialectAsync(AgentRequest request, Uri endpoint, A2ADialect dialect, CancellationToken cancellationToken)
    {
        var (method, parameters) = dialect == A2ADialect.V1 ? V1Send(request) : V03Send(request);
        var response = await CallAsync(request.Persona, endpoint, dialect, method, parameters, cancellationToken);
        var outcome = ToOutcome(response);
        var delay = options.FirstPollDelay;
        while (outcome is TaskInProgress pending)
        {
            await Task.Delay(delay, clock, cancellationToken);
            delay = delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
            var get = new JsonObject { ["id"] = pending.TaskId };
            outcome = ToOutcome(await CallAsync(request.Persona, endpoint, dialect, dialect == A2ADialect.V1 ? "GetTask" : "tasks/get", get, cancellationToken));
        }

        return outcome;
    }

    private static AgentOutcome ToOutcome(JsonRpcResponse response) => response switch
    {
        JsonRpcResponse.Result result => A2AResultReader.Read(result.Value),
        JsonRpcResponse.Error { Code: var code } when JsonRpcErrorCodes.AsksForOtherDialect(code) => new DialectMismatch($"jsonrpc_{code}"),
        JsonRpcResponse.Error { Code: JsonRpcErrorCodes.TaskNotFound } error => new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotFound, error.Message),
        JsonRpcResponse.Error error => new AgentFailure(
            JsonRpcErrorCodes.IsTransient(error.Code) ? FailureClass.Transient : FailureClass.Fatal, $"jsonrpc_{error.Code}", error.Message),
        JsonRpcResponse.Failed failed => failed.Failure,
        _ => throw new InvalidOperationException("unreachable"),
    };

    private static (string Method, JsonObject Params) V1Send(AgentRequest request)
    {
        var message = new JsonObject
        {
            ["messageId"] = request.MessageId,
            ["role"] = "ROLE_USER",
            ["parts"] = new JsonArray(new JsonObject { ["text"] = request.Text }),
        };
        AddConversation(message, request);
        return ("SendMessage", new JsonObject
        {
            ["message"] = message,
            ["configuration"] = new JsonObject { ["returnImmediately"] = false },
        });
    }

    private static (string Method, JsonObject Params) V03Send(AgentRequest request)
    {
        var message = new JsonObject
        {
            ["kind"] = "message",
            ["messageId"] = request.MessageId,
            ["role"] = "user",
            ["parts"] = new JsonArray(new JsonObject { ["kind"] = "text", ["text"] = request.Text }),
        };
        AddConversation(message, request);
        return ("message/send", new JsonObject
        {
            ["message"] = message,
            ["configuration"] = new JsonObject { ["blocking"] = true },
        });
    }

    private static void AddConversation(JsonObject message, AgentRequest request)
    {
        if (request.ContextId is not null)
        {
            message["contextId"] = request.ContextId;
        }

        if (request.TaskId is not null)
        {
            message["taskId"] = request.TaskId;
        }
    }

    private async Task<JsonRpcResponse> CallAsync(
        Persona persona, Uri endpoint, A2ADialect dialect, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["method"] = method,
            ["params"] = parameters,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (dialect == A2ADialect.V1)
        {
            request.Headers.Add("A2A-Version", "1.0");
        }

        Authorize(request, persona);
        var (status, answer, failure) = await AgentExchange.SendAsync(httpClients.CreateClient(HttpClientName), request, options.MaxResponseBytes, cancellationToken);
        if (failure is not null)
        {
            return new JsonRpcResponse.Failed(failure);
        }

        // Some servers send a JSON-RPC error with a 4xx/5xx status: the error says more than the status.
        using var document = JsonBody.Parse(answer, out var notJson);
        var parsed = document is null ? null : JsonRpcResponse.Read(document.RootElement);
        if (parsed is JsonRpcResponse.Error || (parsed is not null && status == HttpStatusCode.OK))
        {
            return parsed;
        }

        // JSON that is not JSON-RPC breaks the protocol (fatal); a body that is no JSON at all was most likely cut
        // or replaced on the way (transient, see JsonBody).
        return new JsonRpcResponse.Failed(status != HttpStatusCode.OK ? AgentExchange.StatusFailure(status)
            : notJson ?? new AgentFailure(FailureClass.Fatal, AgentFailureCodes.InvalidResponse, "the answer is not a JSON-RPC response"));
    }

    /// <summary>
    /// Whether the card's endpoint may be called for this persona (see <see cref="CredentialScope"/>); a card pointing
    /// to another origin is logged once per persona and origin, refused or followed.
    /// </summary>
    private AgentFailure? CheckEndpoint(Persona persona, AgentCard card)
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
            A2ALog.CardElsewhere(_logger, persona.Tag, origin, CredentialScope.Origin(persona.AgentUrl),
                refusal is null ? "followed without credentials" : "refused, the persona has a credential");
        }

        return refusal;
    }

    private async Task<(AgentCard? Card, AgentFailure? Failure)> GetCardAsync(Persona persona, CancellationToken cancellationToken)
    {
        if (_cards.TryGetValue(persona.AgentUrl, out var cached) && cached.Expires > clock.GetUtcNow())
        {
            return (cached.Card, null);
        }

        return await FetchCardAsync(persona, cancellationToken);
    }

    /// <summary>
    /// Looks for the card under the agent's base URL only, never at the root of its host, where another tenant's card
    /// may live: <c>agent-card.json</c> first, then the older <c>agent.json</c>. Fetched without the credential, and
    /// once more with it only when the card asks for it (401/403) and the credential may go there.
    /// </summary>
    private async Task<(AgentCard? Card, AgentFailure? Failure)> FetchCardAsync(Persona persona, CancellationToken cancellationToken)
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
            Authorize(request, persona);
        }

        return await AgentExchange.SendAsync(httpClients.CreateClient(HttpClientName), request, options.MaxResponseBytes, cancellationToken);
    }

    /// <summary>Adds the persona's credential, when <see cref="CredentialScope"/> lets it go to this request's URL.</summary>
    private static void Authorize(HttpRequestMessage request, Persona persona)
    {
        if (!CredentialScope.Covers(persona, request.RequestUri!))
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

    /// <summary>The agent rejected the dialect (method not found, version not supported).</summary>
    private sealed record DialectMismatch(string Code) : AgentOutcome;
}
