using System.Globalization;
using System.Net;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// One HTTP request to an agent and its body, read within the caller's deadline (a body that drips in slowly runs
/// into it) and up to a size limit. A redirect is an answer, never followed. Failures come back classified.
/// </summary>
internal static class AgentExchange
{
    public static async Task<(HttpStatusCode Status, ReadOnlyMemory<byte> Body, AgentFailure? Failure)> SendAsync(
        HttpClient http, HttpRequestMessage request, int maxResponseBytes, CancellationToken cancellationToken)
    {
        var (response, failure) = await StartAsync(http, request, cancellationToken);
        return response is null ? (0, default, failure) : await ReadAsync(response, maxResponseBytes, cancellationToken);
    }

    /// <summary>Sends and waits for the headers only: the caller reads the body, or hands it to <see cref="ReadAsync"/>.</summary>
    public static async Task<(HttpResponseMessage? Response, AgentFailure? Failure)> StartAsync(
        HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return (null, new AgentFailure(FailureClass.Transient, AgentFailureCodes.Network, e.Message));
        }

        var code = (int)response.StatusCode;
        if (code is >= 300 and < 400)
        {
            response.Dispose();
            return (null, new AgentFailure(FailureClass.Fatal, AgentFailureCodes.Redirect,
                $"the agent answered HTTP {code} (a redirect); redirects are not followed: point agent_url or the card at the final address"));
        }

        return (response, null);
    }

    /// <summary>Reads the body of <paramref name="response"/> up to the limit, and disposes of it.</summary>
    public static async Task<(HttpStatusCode Status, ReadOnlyMemory<byte> Body, AgentFailure? Failure)> ReadAsync(
        HttpResponseMessage response, int maxResponseBytes, CancellationToken cancellationToken)
    {
        using (response)
        {
            try
            {
                var body = await BoundedBody.ReadAsync(response.Content, maxResponseBytes, cancellationToken);
                if (body is { } complete)
                {
                    return (response.StatusCode, complete, null);
                }

                // An error page over the limit still says what its status says; an answer over it is refused.
                return response.StatusCode == HttpStatusCode.OK
                    ? (response.StatusCode, default, new AgentFailure(FailureClass.Fatal, AgentFailureCodes.ResponseTooLarge,
                        string.Create(CultureInfo.InvariantCulture, $"the answer is larger than A2A_MAX_RESPONSE_BYTES ({maxResponseBytes:N0} bytes)")))
                    : (response.StatusCode, default, null);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The connection broke half way through the body: the same request may well succeed again.
                return (0, default, new AgentFailure(FailureClass.Transient, AgentFailureCodes.InvalidResponseBody, $"the answer was cut off: {e.Message}"));
            }
        }
    }

    public static AgentFailure StatusFailure(HttpStatusCode status)
    {
        var code = (int)status;
        var transient = code is 408 or 425 or 429 or >= 500;
        return new AgentFailure(transient ? FailureClass.Transient : FailureClass.Fatal, $"http_{code}", $"the agent answered HTTP {code} {status}");
    }
}
