using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>The webhook ingress: the test plays Telegram, posting updates with (or without) the secret token.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private const string Secret = "webhook-secret-0123456789";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private SiloCluster _cluster = null!;
    private RouterProcess _router = null!;
    private Uri _webhook = null!;
    private int _nextUpdate = 50_000;

    public async ValueTask InitializeAsync()
    {
        _cluster = await SiloCluster.StartAsync(silos: 0);
        var port = FreePort.Next();
        _webhook = new Uri($"http://127.0.0.1:{port}/telegram/hook");
        _router = _cluster.Start(extra: new Dictionary<string, string>
        {
            ["HTTP_ENDPOINT"] = $"127.0.0.1:{port}",
            ["TELEGRAM_INGRESS"] = "webhook",
            ["TELEGRAM_WEBHOOK_URL"] = _webhook.AbsoluteUri,
            ["TELEGRAM_WEBHOOK_SECRET"] = Secret,
            ["ORLEANS_CLUSTERING"] = "localhost",
            ["INGRESS_QUARANTINE_AFTER_ATTEMPTS"] = "3",
        });
        await _router.WaitForHealthyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<HttpStatusCode> PostAsync(JsonNode body, string? secret = Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = JsonContent.Create(body) };
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }

        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private JsonObject Update(long chat, string text) => BotApiEmulator.Update(_nextUpdate++, chat, 1, text);

    [Fact]
    public async Task The_webhook_is_registered_with_its_secret_and_a_stored_update_gets_200_and_one_reply()
    {
        await _cluster.Telegram.WaitUntilAsync(t => t.Webhook is not null, TimeSpan.FromSeconds(30), "setWebhook");
        var update = Update(4242, "through the hook");

        var first = await PostAsync(update);
        var again = await PostAsync(update);
        await _cluster.Telegram.WaitUntilAsync(t => t.SentTo(4242).Count >= 1, TimeSpan.FromSeconds(30), "the reply");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first, again));
        Assert.Equal(["reply: through the hook"], _cluster.Telegram.SentTo(4242).Select(m => m.Text));
        var registered = _cluster.Telegram.Webhook!;
        Assert.Equal(_webhook.AbsoluteUri, registered["url"]!.GetValue<string>());
        Assert.Equal(Secret, registered["secret_token"]!.GetValue<string>());
        Assert.Equal(["message", "callback_query", "stopped_message_generation"], registered["allowed_updates"]!.AsArray().Select(u => u!.GetValue<string>()));
    }

    [Fact]
    public async Task A_missing_or_wrong_secret_gets_401_and_nothing_is_taken()
    {
        var missing = await PostAsync(Update(4343, "no secret"), secret: null);
        var wrong = await PostAsync(Update(4343, "wrong secret"), secret: "not-the-secret");
        var good = await PostAsync(Update(4343, "right secret"));
        await _cluster.Telegram.WaitUntilAsync(t => t.SentTo(4343).Count >= 1, TimeSpan.FromSeconds(30), "the reply to the good post");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK), (missing, wrong, good));
        Assert.Equal(["right secret"], _cluster.Agent.Calls.Where(c => c.Text.EndsWith("secret", StringComparison.Ordinal)).Select(c => c.Text));
    }

    [Fact]
    public async Task A_malformed_body_gets_400_an_oversized_one_413_and_the_router_goes_on()
    {
        using var malformed = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = new StringContent("{ not json", Encoding.UTF8, "application/json") };
        malformed.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
        using var malformedResponse = await _http.SendAsync(malformed);
        var oversized = await PostAsync(new JsonObject { ["update_id"] = 1, ["padding"] = new string('x', 2 * 1024 * 1024) });
        var good = await PostAsync(Update(4444, "still here"));
        await _cluster.Telegram.WaitUntilAsync(t => t.SentTo(4444).Count >= 1, TimeSpan.FromSeconds(30), "the reply after bad posts");

        Assert.Equal(HttpStatusCode.BadRequest, malformedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized);
        Assert.Equal(HttpStatusCode.OK, good);
        Assert.False(_router.HasExited);
    }

    [Fact]
    public async Task With_storage_down_the_webhook_answers_5xx_so_Telegram_delivers_again_and_the_update_is_kept_once()
    {
        var update = Update(4545, "wait for redis");
        await _cluster.Redis.StopAsync();

        var whileDown = await PostAsync(update);
        await _cluster.Redis.StartAsync();
        var retried = HttpStatusCode.ServiceUnavailable;
        await Traffic.WaitUntilAsync(async () => (retried = await PostAsync(update)) == HttpStatusCode.OK, TimeSpan.FromSeconds(60), () => "a 200 once Redis is back");
        await PostAsync(update);
        await _cluster.Telegram.WaitUntilAsync(t => t.SentTo(4545).Count >= 1, TimeSpan.FromSeconds(60), "the reply");

        Assert.True((int)whileDown >= 500, $"the webhook answered {whileDown} with storage down");
        Assert.Equal(["reply: wait for redis"], _cluster.Telegram.SentTo(4545).Select(m => m.Text));
    }

    [Fact]
    public async Task An_update_its_chat_can_never_store_gets_503_until_the_attempts_are_spent_then_200_and_is_quarantined()
    {
        // A chat whose stored state cannot be read: its key, found from a healthy chat's, gets garbage.
        long healthy = 4646, broken = 4747;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Update(healthy, "first")));
        await _cluster.Telegram.WaitUntilAsync(t => t.SentTo(healthy).Count >= 1, TimeSpan.FromSeconds(30), "the healthy chat's reply");
        var keys = await RespClient.OnceAsync(_cluster.Redis.Port, null, "KEYS", $"*chat/{healthy:X}/*");
        var healthyKey = Assert.Single(keys.Items ?? []).Text!;
        var brokenKey = healthyKey.Replace($"chat/{healthy:X}/", $"chat/{broken:X}/", StringComparison.Ordinal);
        var hash = (await RespClient.OnceAsync(_cluster.Redis.Port, null, "TYPE", healthyKey)).Text == "hash";
        Assert.False((hash
            ? await RespClient.OnceAsync(_cluster.Redis.Port, null, "HSET", brokenKey, "data", "\u0001 not a chat state", "etag", "x")
            : await RespClient.OnceAsync(_cluster.Redis.Port, null, "SET", brokenKey, "\u0001 not a chat state")).IsError);

        // Telegram delivers it again after each 5xx, as long as it takes.
        var update = Update(broken, "poison");
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            answers.Add(await PostAsync(update));
        }

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], answers);
        var quarantined = Assert.Single(_router.EventsNamed("ingress.quarantined"));
        Assert.Equal(update["update_id"]!.GetValue<int>(), quarantined["update_id"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Update(healthy, "second")));
        await _cluster.Telegram.WaitUntilAsync(t => t.SentTo(healthy).Count >= 2, TimeSpan.FromSeconds(30), "the healthy chat's second reply");
        Assert.Empty(_cluster.Telegram.SentTo(broken));
    }
}
