using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Personas;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;

namespace OrleansRouter.Tests.Agents;

/// <summary>The A2A client's streams against a real streaming A2A server on loopback, in both protocol versions.</summary>
public sealed class A2AStreamingTests : IAsyncDisposable
{
    private static readonly TimeSpan Apart = TimeSpan.FromMilliseconds(20);

    private readonly ServiceProvider _services = A2AClientTests.Services();
    private readonly List<A2ATestAgent> _agents = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    private async Task<A2ATestAgent> AgentAsync(string version, bool streams = true)
    {
        var agent = await A2ATestAgent.StartAsync(version);
        agent.Streams = streams;
        _agents.Add(agent);
        return agent;
    }

    private A2AClient Client(TimeSpan? timeout = null, int maxResponseBytes = 1024 * 1024) =>
        new(_services.GetRequiredService<IHttpClientFactory>(),
            new A2AClientOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10), MaxResponseBytes = maxResponseBytes }, TimeProvider.System);

    private static Persona PersonaFor(A2ATestAgent agent) => new("test", agent.BaseUrl, AgentAuth.None, null, "test");

    private static AgentRequest Request(A2ATestAgent agent, string text) => new(PersonaFor(agent), Guid.NewGuid().ToString("N"), text, null, null);

    /// <summary>Reads the events into an answer, as the chat does; returns the events too.</summary>
    private static async Task<(StreamedAnswer Answer, List<AgentStreamEvent> Events)> ReadAsync(IAsyncEnumerable<AgentStreamEvent> events, StreamedAnswer? answer = null)
    {
        answer ??= new StreamedAnswer(16_384);
        var seen = new List<AgentStreamEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var streamEvent in events.WithCancellation(timeout.Token))
        {
            seen.Add(streamEvent);
            answer.Apply(streamEvent);
        }

        return (answer, seen);
    }

    [Theory]
    [InlineData("1.0", "SendStreamingMessage")]
    [InlineData("0.3", "message/stream")]
    public async Task A_streamed_answer_arrives_in_chunks_and_ends_with_the_completed_task(string version, string method)
    {
        var agent = await AgentAsync(version);

        var (answer, events) = await ReadAsync(Client().StreamAsync(Request(agent, "hello there world"), CancellationToken.None));

        Assert.Equal("reply: hello there world", Assert.IsType<AgentReply>(answer.Outcome).Text);
        Assert.IsType<AgentStreamEvent.Snapshot>(events[0]);
        Assert.Equal(4, events.OfType<AgentStreamEvent.Chunk>().Count());
        var call = Assert.Single(agent.Calls);
        Assert.Equal(method, call.Method);
        Assert.Equal(version == "1.0" ? "1.0" : null, call.Version);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task An_agent_whose_card_does_not_stream_is_asked_plainly_and_answers_in_one_event(string version)
    {
        var agent = await AgentAsync(version, streams: false);

        var (answer, events) = await ReadAsync(Client().StreamAsync(Request(agent, "hi"), CancellationToken.None));

        Assert.IsType<AgentStreamEvent.Finished>(Assert.Single(events));
        Assert.Equal("reply: hi", Assert.IsType<AgentReply>(answer.Outcome).Text);
        Assert.Equal(version == "1.0" ? "SendMessage" : "message/send", Assert.Single(agent.Calls).Method);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_stream_cut_half_way_ends_without_an_answer_and_resuming_the_task_completes_it(string version)
    {
        var agent = await AgentAsync(version);
        agent.Steps = _ => A2ATestAgent.WordByWord("one two three four five six", TimeSpan.FromMilliseconds(100));
        agent.CutStreamAfter = call => call.Method is "SendStreamingMessage" or "message/stream" ? 4 : null;
        var client = Client();

        var (cut, _) = await ReadAsync(client.StreamAsync(Request(agent, "count"), CancellationToken.None));
        Assert.Null(cut.Outcome);
        Assert.NotNull(cut.TaskId);

        // A new answer, as a silo that takes the chat over starts with: the resumed stream holds all of it.
        var (resumed, _) = await ReadAsync(client.ResumeAsync(new AgentTask(PersonaFor(agent), cut.TaskId!, cut.ContextId), CancellationToken.None));

        Assert.Equal("one two three four five six", Assert.IsType<AgentReply>(resumed.Outcome).Text);
        Assert.Single(agent.Tasks);
        Assert.Contains(agent.Calls, c => c.Method == (version == "1.0" ? "SubscribeToTask" : "tasks/resubscribe"));
        if (version == "0.3")
        {
            // Resubscribed without a snapshot, the stream misses what came before the cut: the task is polled instead.
            Assert.Contains(agent.Calls, c => c.Method == "tasks/get");
        }
    }

    [Theory]
    [InlineData("1.0", "taskPushNotificationConfig")]
    [InlineData("0.3", "pushNotificationConfig")]
    public async Task A_streamed_message_registers_its_push_config_where_the_card_says_the_agent_notifies(string version, string field)
    {
        var pushing = await AgentAsync(version);
        pushing.Pushes = true;
        var silent = await AgentAsync(version);
        var client = Client();
        var push = new PushTarget(new Uri("https://router.test/a2a/push/route"), "per-task-token");

        await ReadAsync(client.StreamAsync(Request(pushing, "notify me") with { Push = push }, CancellationToken.None));
        await ReadAsync(client.StreamAsync(Request(silent, "do not") with { Push = push }, CancellationToken.None));

        var config = Assert.Single(pushing.Calls).Body["params"]?["configuration"]?[field];
        Assert.Equal(push.Url.AbsoluteUri, config?["url"]?.GetValue<string>());
        Assert.Equal(push.Token, config?["token"]?.GetValue<string>());
        Assert.Equal(push, Assert.Single(pushing.Tasks.Values).Push is { } registered ? new PushTarget(registered.Url, registered.Token) : null);
        Assert.Null(Assert.Single(silent.Calls).Body["params"]?["configuration"]);
        Assert.True(await client.PushesAsync(PersonaFor(pushing), CancellationToken.None));
        Assert.False(await client.PushesAsync(PersonaFor(silent), CancellationToken.None));
        Assert.Contains("push notifications", (await client.ProbeAsync(PersonaFor(pushing), CancellationToken.None)).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task Peeking_at_a_task_asks_for_it_once_without_a_stream(string version)
    {
        var agent = await AgentAsync(version);
        agent.Steps = _ => [new TaskStep.Chunk("half", TimeSpan.Zero), new TaskStep.Chunk(" whole", TimeSpan.FromSeconds(30))];
        agent.CutStreamAfter = _ => 1;
        var client = Client();
        var (cut, _) = await ReadAsync(client.StreamAsync(Request(agent, "peek"), CancellationToken.None));
        await Eventually.HoldsAsync(() => agent.Tasks[cut.TaskId!].EventCount >= 2, "the first chunk");

        var peeked = await client.PeekAsync(new AgentTask(PersonaFor(agent), cut.TaskId!, cut.ContextId), CancellationToken.None);

        var snapshot = Assert.IsType<AgentStreamEvent.Snapshot>(peeked);
        Assert.Equal(AgentTaskState.Working, snapshot.State);
        Assert.Equal("half", Assert.Single(snapshot.Artifacts).Text);
        Assert.Equal(version == "1.0" ? "GetTask" : "tasks/get", agent.Calls[^1].Method);
        Assert.DoesNotContain(agent.Calls, c => c.Method is "SubscribeToTask" or "tasks/resubscribe");
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task Resuming_a_task_that_is_over_fetches_its_result(string version)
    {
        var agent = await AgentAsync(version);
        agent.CutStreamAfter = _ => 1;
        var client = Client();
        var (cut, _) = await ReadAsync(client.StreamAsync(Request(agent, "quick"), CancellationToken.None));
        await Eventually.HoldsAsync(() => agent.Tasks[cut.TaskId!].IsOver, "the task to be over");

        var (resumed, _) = await ReadAsync(client.ResumeAsync(new AgentTask(PersonaFor(agent), cut.TaskId!, cut.ContextId), CancellationToken.None));

        Assert.Equal("reply: quick", Assert.IsType<AgentReply>(resumed.Outcome).Text);
        Assert.Contains(agent.Calls, c => c.Method == (version == "1.0" ? "GetTask" : "tasks/get"));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task Resuming_a_task_the_agent_no_longer_knows_fails_fatally_with_task_not_found(string version)
    {
        var agent = await AgentAsync(version);

        var (answer, _) = await ReadAsync(Client().ResumeAsync(new AgentTask(PersonaFor(agent), "no-such-task", null), CancellationToken.None));

        var failure = Assert.IsType<AgentFailure>(answer.Outcome);
        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.TaskNotFound), (failure.Class, failure.Code));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_task_that_cannot_be_subscribed_to_is_polled_to_its_end(string version)
    {
        var agent = await AgentAsync(version);
        agent.Steps = _ => A2ATestAgent.WordByWord("slow and steady", TimeSpan.FromMilliseconds(150));
        agent.CutStreamAfter = _ => 1;
        var client = Client();
        var (cut, _) = await ReadAsync(client.StreamAsync(Request(agent, "x"), CancellationToken.None));
        agent.RefusesResubscribe = true;

        var (resumed, events) = await ReadAsync(client.ResumeAsync(new AgentTask(PersonaFor(agent), cut.TaskId!, cut.ContextId), CancellationToken.None));

        Assert.Equal("slow and steady", Assert.IsType<AgentReply>(resumed.Outcome).Text);
        Assert.All(events, e => Assert.IsType<AgentStreamEvent.Snapshot>(e));
    }

    [Theory]
    [InlineData("1.0", "CancelTask")]
    [InlineData("0.3", "tasks/cancel")]
    public async Task Cancelling_a_running_task_stops_it_and_a_task_that_is_over_cannot_be_cancelled(string version, string method)
    {
        var agent = await AgentAsync(version);
        agent.Steps = _ => A2ATestAgent.WordByWord("a long answer that takes its time", TimeSpan.FromSeconds(1));
        agent.CutStreamAfter = _ => 1;
        var client = Client();
        var (cut, _) = await ReadAsync(client.StreamAsync(Request(agent, "x"), CancellationToken.None));
        var task = new AgentTask(PersonaFor(agent), cut.TaskId!, cut.ContextId);

        var cancelled = await client.CancelAsync(task, CancellationToken.None);
        var again = await client.CancelAsync(task, CancellationToken.None);

        Assert.Equal(AgentReplyKind.Canceled, Assert.IsType<AgentReply>(cancelled).Kind);
        Assert.Equal(AgentFailureCodes.TaskNotCancelable, Assert.IsType<AgentFailure>(again).Code);
        Assert.Equal("canceled", agent.Tasks[task.TaskId].State);
        Assert.Equal(2, agent.Calls.Count(c => c.Method == method));
    }

    [Fact]
    public async Task A_stream_that_goes_quiet_ends_with_a_transient_timeout()
    {
        var agent = await AgentAsync("1.0");
        agent.Steps = _ => [new TaskStep.Chunk("first", Apart), new TaskStep.Chunk(" late", TimeSpan.FromSeconds(20))];

        var (answer, events) = await ReadAsync(Client(timeout: TimeSpan.FromSeconds(1)).StreamAsync(Request(agent, "x"), CancellationToken.None));

        var failure = Assert.IsType<AgentFailure>(answer.Outcome);
        Assert.Equal((FailureClass.Transient, AgentFailureCodes.Timeout), (failure.Class, failure.Code));
        Assert.Contains(events, e => e is AgentStreamEvent.Chunk { Text: "first" });
    }

    [Fact]
    public async Task A_stream_that_carries_more_than_its_limit_is_cut_as_a_transient_failure()
    {
        var agent = await AgentAsync("1.0");
        agent.Steps = _ => [.. Enumerable.Range(0, 20).Select(_ => (TaskStep)new TaskStep.Chunk(new string('x', 1000), TimeSpan.Zero))];

        var (answer, _) = await ReadAsync(Client(maxResponseBytes: 2048).StreamAsync(Request(agent, "x"), CancellationToken.None));

        var failure = Assert.IsType<AgentFailure>(answer.Outcome);
        Assert.Equal((FailureClass.Transient, AgentFailureCodes.StreamTooLarge), (failure.Class, failure.Code));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.3")]
    public async Task A_reader_that_calls_the_stream_off_is_let_go_at_once(string version)
    {
        var agent = await AgentAsync(version);
        agent.Steps = _ => A2ATestAgent.WordByWord(string.Join(' ', Enumerable.Repeat("slow", 50)), TimeSpan.FromMilliseconds(500));
        using var stop = new CancellationTokenSource();
        var stream = Client().StreamAsync(Request(agent, "x"), CancellationToken.None).GetAsyncEnumerator(stop.Token);
        Assert.True(await stream.MoveNextAsync());

        // The snapshot and the working status come at once; the first word half a second later.
        Assert.True(await stream.MoveNextAsync());
        var next = stream.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        await stop.CancelAsync();

        var started = DateTimeOffset.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await stream.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(2), $"let go after {DateTimeOffset.UtcNow - started}");
    }

    [Fact]
    public async Task A_stream_its_reader_leaves_between_two_events_is_closed_at_once_not_read_to_its_end()
    {
        var agent = await AgentAsync("1.0");
        agent.Steps = _ => A2ATestAgent.WordByWord(string.Join(' ', Enumerable.Repeat("slow", 50)), TimeSpan.FromMilliseconds(200));
        var stream = Client().StreamAsync(Request(agent, "x"), CancellationToken.None).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await stream.MoveNextAsync());

        var started = DateTimeOffset.UtcNow;
        await stream.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(2), $"closed after {DateTimeOffset.UtcNow - started}");
    }

    [Fact]
    public async Task A_stream_called_off_between_two_events_reads_no_further()
    {
        var agent = await AgentAsync("1.0");
        agent.Steps = _ => A2ATestAgent.WordByWord(string.Join(' ', Enumerable.Repeat("slow", 50)), TimeSpan.FromMilliseconds(200));
        using var stop = new CancellationTokenSource();
        var stream = Client().StreamAsync(Request(agent, "x"), CancellationToken.None).GetAsyncEnumerator(stop.Token);
        Assert.True(await stream.MoveNextAsync());
        await stop.CancelAsync();

        var started = DateTimeOffset.UtcNow;
        var read = 0;
        var error = await Record.ExceptionAsync(async () =>
        {
            while (await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken))
            {
                read++;
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(2), $"{read} more events over {DateTimeOffset.UtcNow - started}");
        await stream.DisposeAsync();
    }
}
