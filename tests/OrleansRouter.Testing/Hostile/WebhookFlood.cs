namespace OrleansRouter.Testing.Hostile;

/// <summary>What the webhook answered one post: its status, or 0 when the connection failed before an answer came.</summary>
public sealed record WebhookAnswer(WebhookPost Post, int Status);

/// <summary>
/// Sends corpus posts to a webhook, a few at a time. Genuine posts of one chat go one after another, each after the
/// previous one was answered, as Telegram delivers a chat's updates; everything else goes as it comes.
/// </summary>
public sealed class WebhookFlood : IDisposable
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    private readonly Uri _webhook;
    private readonly HttpClient _http;
    private readonly Dictionary<long, Task> _chatTails = [];

    public WebhookFlood(Uri webhook, int concurrency)
    {
        _webhook = webhook;
        Concurrency = concurrency;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public int Concurrency { get; }

    public async Task<IReadOnlyList<WebhookAnswer>> SendAsync(IEnumerable<WebhookPost> posts, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Concurrency);
        var sending = new List<Task<WebhookAnswer>>();
        foreach (var post in posts)
        {
            await slots.WaitAsync(cancellationToken);
            var previous = post.Genuine is { } genuine ? _chatTails.GetValueOrDefault(genuine.ChatId, Task.CompletedTask) : Task.CompletedTask;
            var send = SendAfterAsync(previous, post, slots, cancellationToken);
            if (post.Genuine is { } message)
            {
                _chatTails[message.ChatId] = send;
            }

            sending.Add(send);
        }

        return await Task.WhenAll(sending);
    }

    public void Dispose() => _http.Dispose();

    private async Task<WebhookAnswer> SendAfterAsync(Task previous, WebhookPost post, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await previous;
            return new WebhookAnswer(post, await PostAsync(post, cancellationToken));
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task<int> PostAsync(WebhookPost post, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = post.Body.ToContent(post.Chunked) };
        if (post.Secret is not null)
        {
            request.Headers.TryAddWithoutValidation(SecretHeader, post.Secret);
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}
