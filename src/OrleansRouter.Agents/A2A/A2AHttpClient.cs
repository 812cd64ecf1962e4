using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRouter.Agents.A2A;

public static class A2AHttpClient
{
    /// <summary>
    /// The HttpClient behind <see cref="A2AClient"/>. No automatic redirects: a 307 would carry the API key and the
    /// user's text to wherever the agent points, so a 3xx comes back to the client, which refuses it. No cookies and
    /// no decompression (an agent's bytes are counted as sent). No client-wide timeout: the client enforces
    /// <c>A2A_TIMEOUT_SECONDS</c> over the whole exchange, bodies included. A response left before its end (a stream
    /// the user stopped) closes its connection rather than reading the rest to reuse it: a stream's rest may be
    /// minutes long, and it would be read inside the chat's turn.
    /// </summary>
    public static IHttpClientBuilder AddA2AHttpClient(this IServiceCollection services) =>
        services.AddHttpClient(A2AClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseDrainSize = 0,
            });
}
