using System.Net.Http.Headers;
using System.Text;
using OrleansRouter.Testing;
using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// Two thousand forged and malformed push notifications, built from a fixed seed and sent eight at a time, while ten
/// chats wait for their agents' long tasks: routes the router never made, wrong or missing tokens, bodies that are
/// not notifications, bodies past the limit, notices for other tasks, and real notices sent early, again and again.
/// None may wake a chat to a wrong answer, none may draw a 5xx, and the router stays healthy; then the agent's own
/// notices bring each chat its answer, once.
/// </summary>
public sealed class Push_notifications_that_are_forged_or_malformed : IAsyncLifetime
{
    private const int Seed = 20261207;
    private const int Posts = 2_000;
    private const int Chats = 10;
    private const int MaxBodyBytes = 16_384;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("router-push-corpus-").FullName;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BotApiEmulator _telegram = null!;
    private A2ATestAgent _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _telegram = await BotApiEmulator.StartAsync();
        _agent = await A2ATestAgent.StartAsync("1.0");
        _agent.Streams = true;
        _agent.Pushes = true;
        _agent.NotifiesWhenOver = true;
        _agent.Steps = call =>
        [
            new TaskStep.Chunk("Working.", TimeSpan.FromMilliseconds(20)),
            new TaskStep.Hold(_release.Task),
            new TaskStep.Chunk(" Done.", TimeSpan.Zero, LastChunk: true),
            new TaskStep.Status("completed", TimeSpan.Zero),
        ];
        _agent.CutStreamAfter = call => call.Method == "SendStreamingMessage" ? 3 : null;
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _agent.DisposeAsync();
        await _telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Refuses_every_one_that_is_not_the_agents_stays_healthy_and_answers_each_chat_once()
    {
        var http = $"127.0.0.1:{FreePort.Next()}";
        var environment = LiveRouterEnvironment.For(_telegram, _directory, new System.Text.Json.Nodes.JsonObject { ["agent_url"] = _agent.BaseUrl.AbsoluteUri });
        environment["HTTP_ENDPOINT"] = http;
        environment["A2A_PUSH_URL"] = $"http://{http}/a2a/push";
        environment["A2A_MAX_RESPONSE_BYTES"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["LOG_LEVEL"] = "Debug";
        await using var router = RouterProcess.Start(environment);
        await router.WaitForHealthyAsync();
        var chats = Traffic.Chats(Chats);
        foreach (var chat in chats)
        {
            _telegram.Post(chat, $"long job {chat}");
        }

        await Traffic.WaitUntilAsync(() => Task.FromResult(router.EventsNamed("a2a.awaiting_push").Count() == Chats), Deadline, () => "every chat waiting for its notice");
        var waiting = _agent.Tasks.Values.Select(t => (Task: t, Url: t.Push!.Value.Url, Token: t.Push!.Value.Token)).ToList();
        var corpus = Corpus(new Random(Seed), waiting);

        await using var health = HealthWatch.Start(router);
        var answers = await SendAsync(corpus);

        // Nothing of that was an answer: no chat has one yet.
        Assert.All(chats, chat => Assert.Empty(_telegram.SentTo(chat)));
        var wrong = answers.Where(a => !a.Post.Expected.Contains(a.Status)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} posts were answered otherwise: " +
            string.Join(", ", wrong.GroupBy(a => (a.Post.Kind, a.Status)).Select(g => $"{g.Key.Kind}→{g.Key.Status} ×{g.Count()}")));
        Assert.All(Kinds, kind => Assert.Contains(answers, a => a.Post.Kind == kind));

        _release.SetResult();
        await _telegram.WaitUntilAsync(t => chats.All(c => t.SentTo(c).Count >= 1), Deadline, "every answer");
        Assert.All(chats, chat => Assert.Equal(["Working. Done."], _telegram.SentTo(chat).Select(m => m.Text)));
        var (status, _) = await router.HealthAsync();
        Assert.Equal(200, status);
        Assert.Empty(await health.StopAsync());
        Assert.True(health.Asked >= 1, "no health check ran");
        Assert.False(router.HasExited);
        Assert.All(waiting, w => Assert.DoesNotContain(w.Token, router.Output, StringComparison.Ordinal));
    }

    private static readonly string[] OddRoots = ["null", "[]", "{}", "\"task\"", "42", "{}{}"];

    private static readonly string[] Kinds = ["forged_route", "wrong_token", "no_token", "malformed", "too_large", "other_task", "early"];

    /// <summary>A post, and the statuses it may get.</summary>
    private sealed record Post(string Kind, Uri Url, string? Token, byte[] Body, bool Chunked, int[] Expected);

    private static List<Post> Corpus(Random random, IReadOnlyList<(ScriptedTask Task, Uri Url, string Token)> waiting)
    {
        var posts = new List<Post>(Posts);
        for (var i = 0; i < Posts; i++)
        {
            var (task, url, token) = waiting[random.Next(waiting.Count)];
            var genuine = Encoding.UTF8.GetBytes(task.Snapshot().ToJsonString());
            var route = url.Segments[^1];
            posts.Add((i % 7) switch
            {
                0 => new Post("forged_route", Forged(random, url, route), token, genuine, false, [404]),
                1 => new Post("wrong_token", url, Almost(random, token), genuine, false, [401]),
                2 => new Post("no_token", url, null, genuine, false, [401]),
                3 => new Post("malformed", url, token, Malformed(random, task.Id), random.Next(4) == 0, [400]),
                4 => new Post("too_large", url, token, TooLarge(random, task.Id), random.Next(2) == 0, [413, 400]),
                5 => new Post("other_task", url, token, Encoding.UTF8.GetBytes("{\"task\":{\"id\":\"not-" + task.Id + "\",\"status\":{}}}"), false, [200]),
                _ => new Post("early", url, token, genuine, false, [200]),
            });
        }

        return posts;
    }

    private static Uri Forged(Random random, Uri url, string route)
    {
        var position = random.Next(route.Length);
        var other = (random.Next(5)) switch
        {
            0 => route[..position] + (route[position] == 'A' ? 'B' : 'A') + route[(position + 1)..],
            1 => Convert.ToBase64String(RandomBytes(random, 36)).Replace('+', '-').Replace('/', '_'),
            2 => route[..^1],
            3 => route + "A",
            _ => "%2e%2e",
        };
        return new Uri(url, other);
    }

    private static string Almost(Random random, string token) => random.Next(4) switch
    {
        0 => token[..^1] + (token[^1] == 'A' ? 'B' : 'A'),
        1 => token.ToUpperInvariant(),
        2 => token + token,
        _ => "",
    };

    private static byte[] Malformed(Random random, string taskId) => random.Next(8) switch
    {
        0 => Encoding.UTF8.GetBytes($$"""{"task":{"id":"{{taskId}}","stat"""),
        1 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", 10_000))),
        2 => Encoding.UTF8.GetBytes(OddRoots[random.Next(OddRoots.Length)]),
        3 => Encoding.UTF8.GetBytes("""{"task":{"id":7}}"""),
        4 => [.. Encoding.UTF8.GetBytes("""{"task":{"id":" """), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}}")],
        5 => Encoding.UTF8.GetBytes("""{"message":{"messageId":"m","role":"ROLE_AGENT","parts":[]}}"""),
        6 => Encoding.UTF8.GetBytes("task=1&token=2"),
        _ => Encoding.UTF8.GetBytes("<task id=\"1\"/>"),
    };

    private static byte[] TooLarge(Random random, string taskId) =>
        Encoding.UTF8.GetBytes($$$"""{"task":{"id":"{{{taskId}}}","pad":"{{{new string('a', MaxBodyBytes + random.Next(1, 4 * MaxBodyBytes))}}}"}}""");

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<List<(Post Post, int Status)>> SendAsync(IReadOnlyList<Post> posts)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var gate = new SemaphoreSlim(8);
        var sending = posts.Select(async post =>
        {
            await gate.WaitAsync();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, post.Url) { Content = Content(post) };
                if (post.Token is not null)
                {
                    request.Headers.TryAddWithoutValidation("X-A2A-Notification-Token", post.Token);
                }

                try
                {
                    using var response = await client.SendAsync(request);
                    return (post, (int)response.StatusCode);
                }
                catch (HttpRequestException) when (post.Kind == "too_large")
                {
                    // A body past the limit may be cut off while it is still being sent.
                    return (post, 413);
                }
            }
            finally
            {
                gate.Release();
            }
        });
        return [.. await Task.WhenAll(sending)];
    }

    private static HttpContent Content(Post post)
    {
        HttpContent content = post.Chunked ? new StreamContent(new MemoryStream(post.Body)) : new ByteArrayContent(post.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/a2a+json");
        return content;
    }
}
