using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// A streaming A2A agent, in both protocol versions, behind the real router on the live transport: the answer grows
/// in a draft or a placeholder, arrives once, survives a cut stream, and can be stopped.
/// </summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("router-e2e-").FullName;
    private BotApiEmulator _telegram = null!;

    public async ValueTask InitializeAsync() => _telegram = await BotApiEmulator.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<A2ATestAgent> StreamingAgentAsync(string version)
    {
        var agent = await A2ATestAgent.StartAsync(version);
        agent.Streams = true;
        return agent;
    }

    private RouterProcess Router(A2ATestAgent agent, Dictionary<string, string>? more = null)
    {
        var environment = LiveRouterEnvironment.For(_telegram, _directory, new JsonObject { ["agent_url"] = agent.BaseUrl.AbsoluteUri, ["persona_tag"] = "tst" });
        environment["LOG_LEVEL"] = "Debug";
        foreach (var (key, value) in more ?? [])
        {
            environment[key] = value;
        }

        return RouterProcess.Start(environment);
    }

    private static IReadOnlyList<TaskStep> Words(int count, TimeSpan apart) =>
        A2ATestAgent.WordByWord(string.Join(' ', Enumerable.Range(1, count).Select(i => $"word{i}")), apart);

    private static string WordsText(int count) => string.Join(' ', Enumerable.Range(1, count).Select(i => $"word{i}"));

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task In_a_private_chat_the_answer_grows_in_a_draft_and_arrives_once(string version)
    {
        await using var agent = await StreamingAgentAsync(version);
        agent.Steps = _ => Words(12, TimeSpan.FromMilliseconds(200));
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "stream please");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, Deadline, "the reply");

        Assert.Equal(WordsText(12), Assert.Single(_telegram.SentTo(chat)).Text);
        var drafts = _telegram.DraftsIn(chat);
        Assert.True(drafts.Count >= 2, $"{drafts.Count} drafts");
        Assert.Equal("", drafts[0].Text);
        Assert.Contains(drafts, d => d.Text.StartsWith("word1 word2", StringComparison.Ordinal));
        Assert.All(drafts, d => Assert.True(d.CanStop));
        Assert.Single(drafts.Select(d => d.DraftId).Distinct());
        Assert.All(drafts.Zip(drafts.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromMilliseconds(900), "two drafts within a second"));
        Assert.Equal(version == "1.0" ? "SendStreamingMessage" : "message/stream", Assert.Single(agent.Calls).Method);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task In_a_group_one_placeholder_is_edited_and_becomes_the_answer(string version)
    {
        await using var agent = await StreamingAgentAsync(version);
        agent.Steps = _ => Words(30, TimeSpan.FromMilliseconds(200));
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var group = -Traffic.Chats(1)[0];

        _telegram.Post(group, "stream please");
        await _telegram.WaitUntilAsync(t => t.ShownIn(group).Count == 1 && t.ShownIn(group)[0].Text == WordsText(30), Deadline, "the answer in the placeholder");

        // Sent once the answer had taken longer than a second, with what it said by then.
        var placeholder = Assert.Single(_telegram.SentTo(group));
        Assert.StartsWith("word1 word2", placeholder.Text, StringComparison.Ordinal);
        Assert.StartsWith(placeholder.Text, WordsText(30), StringComparison.Ordinal);
        Assert.Equal("Stop", placeholder.Button);
        var edits = _telegram.Edits.Where(e => e.ChatId == group).ToList();
        Assert.True(edits.Count >= 2, $"{edits.Count} edits");
        Assert.Null(edits[^1].Button);
        Assert.All(edits.SkipLast(1), e => Assert.Equal("Stop", e.Button));
        Assert.Equal(0, _telegram.NotModified);
        Assert.Empty(_telegram.DraftsIn(group));
    }

    [Fact]
    public async Task A_streamed_answer_longer_than_a_message_arrives_whole_in_parts()
    {
        await using var agent = await StreamingAgentAsync("1.0");
        var chunk = string.Join(' ', Enumerable.Repeat("lorem", 83)) + "\n";
        agent.Steps = _ => [.. Enumerable.Range(0, 20).Select(_ => (TaskStep)new TaskStep.Chunk(chunk, TimeSpan.FromMilliseconds(50))),
            new TaskStep.Status("completed", TimeSpan.Zero)];
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "long");
        await _telegram.WaitUntilAsync(t => string.Concat(t.SentTo(chat).Select(m => m.Text)).Length >= (chunk.Length * 20) - 1, Deadline, "the whole answer");

        var parts = _telegram.SentTo(chat).Select(m => m.Text).ToList();
        Assert.True(parts.Count >= 3, $"{parts.Count} parts");
        Assert.All(parts, p => Assert.True(p.Length <= 4096));
        Assert.Equal(string.Concat(Enumerable.Repeat(chunk, 20)).TrimEnd(), string.Concat(parts).TrimEnd());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_stream_cut_half_way_is_followed_again_and_the_answer_arrives_once(string version)
    {
        await using var agent = await StreamingAgentAsync(version);
        agent.Steps = _ => Words(10, TimeSpan.FromMilliseconds(150));
        agent.CutStreamAfter = call => call.Method is "SendStreamingMessage" or "message/stream" ? 4 : null;
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "cut me");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, Deadline, "the reply");

        Assert.Equal(WordsText(10), Assert.Single(_telegram.SentTo(chat)).Text);
        Assert.Single(agent.Tasks);
        Assert.Single(agent.Calls, c => c.Method is "SendStreamingMessage" or "message/stream");
        Assert.Contains(agent.Calls, c => c.Method is "SubscribeToTask" or "tasks/resubscribe");
        Assert.NotEmpty(router.EventsNamed("a2a.stream_resumed"));
    }

    [Fact]
    public async Task The_stop_button_of_a_draft_cancels_the_task_and_the_chat_goes_on()
    {
        await using var agent = await StreamingAgentAsync("1.0");
        agent.Steps = call => call.Text == "long one" ? Words(100, TimeSpan.FromMilliseconds(200)) : A2ATestAgent.WordByWord($"reply: {call.Text}", TimeSpan.Zero);
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "long one");
        await _telegram.WaitUntilAsync(t => t.DraftsIn(chat).Any(d => d.Text.Length > 0), Deadline, "a draft with text");
        _telegram.StopDraft(chat, _telegram.DraftsIn(chat)[0].DraftId);
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, Deadline, "the stopped answer");
        _telegram.Post(chat, "next");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 2, Deadline, "the next answer");

        var stopped = _telegram.SentTo(chat)[0].Text;
        Assert.StartsWith("word1", stopped, StringComparison.Ordinal);
        Assert.EndsWith("(stopped)", stopped, StringComparison.Ordinal);
        Assert.Equal("reply: next", _telegram.SentTo(chat)[1].Text);
        Assert.Equal("canceled", Assert.Single(agent.Tasks.Values, t => t.Events.Count > 20 || t.State == "canceled").State);
    }

    [Fact]
    public async Task The_stop_button_under_a_groups_placeholder_cancels_the_task_and_is_answered()
    {
        await using var agent = await StreamingAgentAsync("0.3");
        agent.Steps = _ => Words(100, TimeSpan.FromMilliseconds(200));
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var group = -Traffic.Chats(1)[0];

        _telegram.Post(group, "long one");
        await _telegram.WaitUntilAsync(t => t.SentTo(group).Count >= 1, Deadline, "the placeholder");
        var press = _telegram.PressButton(group, _telegram.SentTo(group)[0].MessageId, "stop", userId: Math.Abs(group));
        await _telegram.WaitUntilAsync(t => t.AnsweredCallbacks.Contains($"callback-{press}") && t.ShownIn(group)[0].Button is null, Deadline, "the stop");

        Assert.EndsWith("(stopped)", _telegram.ShownIn(group)[0].Text, StringComparison.Ordinal);
        Assert.Equal("canceled", Assert.Single(agent.Tasks.Values).State);
        Assert.Single(_telegram.SentTo(group));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_task_that_needs_input_asks_and_the_next_message_continues_it(string version)
    {
        await using var agent = await StreamingAgentAsync(version);
        agent.Steps = call => call.TaskId is null
            ? [new TaskStep.Status("input-required", TimeSpan.FromMilliseconds(50), "Which city?")]
            : A2ATestAgent.WordByWord($"Weather in {call.Text}: sunny", TimeSpan.FromMilliseconds(20));
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "weather?");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, Deadline, "the question");
        var (task, asked) = Assert.Single(agent.Tasks);
        _telegram.Post(chat, "Paris");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 2, Deadline, "the answer");

        Assert.Equal(["Which city?", "Weather in Paris: sunny"], _telegram.SentTo(chat).Select(m => m.Text));
        var calls = agent.Calls.Where(c => c.Method is "SendStreamingMessage" or "message/stream").ToList();
        Assert.Equal(2, calls.Count);
        Assert.Null(calls[0].TaskId);
        Assert.Equal((task, asked.ContextId), (calls[1].TaskId, calls[1].ContextId));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_task_that_asks_to_authorize_shows_a_login_button_and_goes_on_once_the_agent_does(string version)
    {
        await using var agent = await StreamingAgentAsync(version);
        agent.Steps = _ =>
        [
            new TaskStep.Status("auth-required", TimeSpan.FromMilliseconds(50), "Please log in at https://auth.example/login."),
            new TaskStep.Status("working", TimeSpan.FromSeconds(2)),
            new TaskStep.Chunk("Your calendar is clear.", TimeSpan.FromMilliseconds(50), LastChunk: true),
            new TaskStep.Status("completed", TimeSpan.Zero),
        ];
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "my calendar");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 2, Deadline, "the login request, then the answer");

        var (prompt, answer) = (_telegram.SentTo(chat)[0], _telegram.SentTo(chat)[1]);
        Assert.Contains("https://auth.example/login", prompt.Text, StringComparison.Ordinal);
        Assert.Equal("Log in", prompt.Button);
        Assert.Equal("Your calendar is clear.", answer.Text);
        Assert.Single(agent.Tasks);
        Assert.Single(agent.Calls, c => c.Method is "SendStreamingMessage" or "message/stream");
    }

    /// <summary>The router with a push address on its own HTTP port, as a deployment gives it a public one.</summary>
    private RouterProcess PushingRouter(A2ATestAgent agent, Dictionary<string, string>? more = null)
    {
        var http = $"127.0.0.1:{FreePort.Next()}";
        return Router(agent, new(more ?? []) { ["HTTP_ENDPOINT"] = http, ["A2A_PUSH_URL"] = $"http://{http}/a2a/push" });
    }

    /// <summary>An agent whose task says one thing, then goes on for a while with its stream cut, then finishes.</summary>
    private static async Task<A2ATestAgent> LongTaskAgentAsync(string version)
    {
        var agent = await StreamingAgentAsync(version);
        agent.Pushes = true;
        agent.Steps = _ =>
        [
            new TaskStep.Chunk("Started.", TimeSpan.FromMilliseconds(50)),
            new TaskStep.Chunk(" Finished.", TimeSpan.FromSeconds(4), LastChunk: true),
            new TaskStep.Status("completed", TimeSpan.Zero),
        ];

        // The task's snapshot, its "working", its first chunk: then the stream is gone, the task not.
        agent.CutStreamAfter = call => call.Method is "SendStreamingMessage" or "message/stream" ? 3 : null;
        return agent;
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_long_task_whose_stream_is_gone_is_answered_once_when_the_agent_notifies(string version)
    {
        await using var agent = await LongTaskAgentAsync(version);
        agent.NotifiesWhenOver = true;
        await using var router = PushingRouter(agent);
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];

        _telegram.Post(chat, "a long job");
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, Deadline, "the reply");

        Assert.Equal("Started. Finished.", Assert.Single(_telegram.SentTo(chat)).Text);
        var push = Assert.Single(agent.PushesSent);
        Assert.Equal(200, push.Status);

        // Until the notice, nothing but the one streamed message: no resubscription, no polling.
        Assert.Equal(1, push.CallsBefore);
        Assert.Single(agent.Calls, c => c.Method is "SendStreamingMessage" or "message/stream");
        Assert.DoesNotContain(agent.Calls, c => c.Method is "SubscribeToTask" or "tasks/resubscribe");
        Assert.Contains(agent.Calls.Skip(push.CallsBefore), c => c.Method == (version == "1.0" ? "GetTask" : "tasks/get"));
        Assert.Single(router.EventsNamed("a2a.awaiting_push"));

        // The same notice again, the answer out: taken (the chat has decided by the time it answers), and ignored.
        Assert.Equal(200, await agent.NotifyAsync(Assert.Single(agent.Tasks.Values)));
        Assert.Single(_telegram.SentTo(chat));
    }

    [Fact]
    public async Task Notifications_that_are_not_the_agents_are_refused_and_change_nothing()
    {
        await using var agent = await LongTaskAgentAsync("1.0");
        await using var router = PushingRouter(agent, new() { ["A2A_MAX_RESPONSE_BYTES"] = "16384" });
        await router.WaitForHealthyAsync();
        var chat = Traffic.Chats(1)[0];
        _telegram.Post(chat, "guard my task");
        await Traffic.WaitUntilAsync(() => Task.FromResult(router.EventsNamed("a2a.awaiting_push").Any()), Deadline, () => "the chat waiting for the notice");
        var task = Assert.Single(agent.Tasks.Values);
        var (url, token) = task.Push!.Value;
        var route = url.Segments[^1];
        using var http = new HttpClient();
        async Task<int> PostAsync(Uri to, string? withToken, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, to) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/a2a+json") };
            if (withToken is not null)
            {
                request.Headers.Add("X-A2A-Notification-Token", withToken);
            }

            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        }

        var body = task.Snapshot().ToJsonString();
        var forged = new Uri(url, (route[0] == 'A' ? "B" : "A") + route[1..]);
        Assert.Equal(401, await agent.NotifyAsync(task, token: "not-the-token"));
        Assert.Equal(401, await PostAsync(url, null, body));
        Assert.Equal(404, await PostAsync(forged, token, body));
        Assert.Equal(400, await PostAsync(url, token, "not json"));
        Assert.Equal(400, await PostAsync(url, token, """{"message":{"messageId":"m"}}"""));
        Assert.Equal(413, await PostAsync(url, token, new string(' ', 20_000) + body));
        Assert.Equal(200, await PostAsync(url, token, """{"task":{"id":"someone-elses-task","status":{}}}"""));
        Assert.NotEmpty(router.EventsNamed("a2a.push_refused"));
        Assert.DoesNotContain(router.Events, e => e.ToJsonString().Contains(token, StringComparison.Ordinal));

        // None of that woke the chat: the answer comes with the agent's own notice, once.
        await Traffic.WaitUntilAsync(() => Task.FromResult(task.IsOver), Deadline, () => "the task to finish");
        Assert.Empty(_telegram.SentTo(chat));
        Assert.Equal(200, await agent.NotifyAsync(task));
        await _telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, Deadline, "the reply");
        Assert.Equal("Started. Finished.", Assert.Single(_telegram.SentTo(chat)).Text);
    }

    [Fact]
    public async Task Fifty_chats_streaming_at_once_at_telegrams_limits_draw_no_429_and_no_repeated_edit()
    {
        await using var agent = await StreamingAgentAsync("1.0");
        agent.Steps = _ => Words(10, TimeSpan.FromMilliseconds(200));
        _telegram.Limits = new FloodLimits(PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20);
        await using var router = Router(agent);
        await router.WaitForHealthyAsync();
        var chats = Traffic.Chats(50).Select((chat, i) => i % 5 == 0 ? -chat : chat).ToList();

        foreach (var chat in chats)
        {
            _telegram.Post(chat, "stream please");
        }

        await _telegram.WaitUntilAsync(t => chats.All(c => t.ShownIn(c).Any(m => m.Text == WordsText(10))), TimeSpan.FromMinutes(2), "every answer");

        Assert.Equal(0, _telegram.TooManyRequests);
        Assert.Equal(0, _telegram.NotModified);
        Assert.All(chats, chat => Assert.Single(_telegram.ShownIn(chat)));
        Assert.Equal(50, agent.Tasks.Count);
    }
}
