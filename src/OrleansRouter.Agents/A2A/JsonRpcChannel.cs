using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansRouter.Personas;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// JSON-RPC requests to an agent's endpoint in either dialect (v1.0 adds <c>A2A-Version: 1.0</c>), with the
/// persona's credential where <see cref="CredentialScope"/> lets it go: a plain call, or a streaming one whose
/// answer may be a server-sent event stream.
/// </summary>
internal sealed class JsonRpcChannel(IHttpClientFactory httpClients, A2AClientOptions options)
{
    private const string EventStream = "text/event-stream";

    public async Task<JsonRpcResponse> CallAsync(
        Persona persona, Uri endpoint, A2ADialect dialect, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        using var request = Request(persona, endpoint, dialect, method, parameters);
        var (status, answer, failure) = await AgentExchange.SendAsync(Http, request, options.MaxResponseBytes, cancellationToken);
        return Interpret(status, answer, failure);
    }

    /// <summary>
    /// Posts a streaming method. An event stream comes back open, for <see cref="A2AEventStream"/> to read; any other
    /// answer (an error, or a server that answered in one piece) is read as a JSON-RPC response.
    /// </summary>
    public async Task<(HttpResponseMessage? Events, JsonRpcResponse? Answer)> OpenStreamAsync(
        Persona persona, Uri endpoint, A2ADialect dialect, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        using var request = Request(persona, endpoint, dialect, method, parameters);
        request.Headers.Accept.ParseAdd(EventStream);
        var (response, failure) = await AgentExchange.StartAsync(Http, request, cancellationToken);
        if (response is null)
        {
            return (null, new JsonRpcResponse.Failed(failure!));
        }

        if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == EventStream)
        {
            return (response, null);
        }

        var (status, answer, readFailure) = await AgentExchange.ReadAsync(response, options.MaxResponseBytes, cancellationToken);
        return (null, Interpret(status, answer, readFailure));
    }

    private HttpClient Http => httpClients.CreateClient(A2AClient.HttpClientName);

    private static HttpRequestMessage Request(Persona persona, Uri endpoint, A2ADialect dialect, string method, JsonObject parameters)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["method"] = method,
            ["params"] = parameters,
        };
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (dialect == A2ADialect.V1)
        {
            request.Headers.Add("A2A-Version", "1.0");
        }

        CredentialScope.Authorize(request, persona);
        return request;
    }

    private static JsonRpcResponse Interpret(HttpStatusCode status, ReadOnlyMemory<byte> answer, AgentFailure? failure)
    {
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
}
