using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

public sealed class ChatCluster : RouterCluster
{
    public const long PinnedChat = -777;

    public override PersonaMap Personas { get; } = new(
        "echo",
        [Persona("echo"), Persona("other"), Persona("hidden", selectable: false)],
        new Dictionary<long, string> { [PinnedChat] = "other" });

    public void Reset()
    {
        Agent.Answer = new ScriptedAgent().Answer;
        Sender.Fail = null;
    }
}

public sealed class ChatGrainTests : IClassFixture<ChatCluster>
{
    private readonly ChatCluster _cluster;

    public ChatGrainTests(ChatCluster cluster)
    {
        _cluster = cluster;
        cluster.Reset();
    }

    private IChatGrain Chat(long chatId) => _cluster.Grains.GetGrain<IChatGrain>(chatId);

    private Task RepliesAsync(long chatId, int count) =>
        Eventually.HoldsAsync(() => _cluster.Sender.SentTo(chatId).Count >= count, $"{count} replies in chat {chatId}");

    [Fact]
    public async Task Accepting_returns_while_the_agent_works_and_replies_keep_the_order()
    {
        var chat = NewChatId();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = _cluster.Agent.Answer;
        _cluster.Agent.Answer = async request =>
        {
            if (request.Text == "first")
            {
                await release.Task;
            }

            return await echo(request);
        };

        await Chat(chat).AcceptAsync(Message(chat, "first"));
        await Eventually.HoldsAsync(() => _cluster.Agent.RequestsWith("first").Count == 1, "the first message at the agent");
        // The ingress accepts the updates of one chat one after another, as here.
        var second = await Chat(chat).AcceptAsync(Message(chat, "second")).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var third = await Chat(chat).AcceptAsync(Message(chat, "third")).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal((AcceptResult.Accepted, AcceptResult.Accepted), (second, third));
        Assert.Empty(_cluster.Sender.SentTo(chat));
        Assert.Empty(_cluster.Agent.RequestsWith("second"));

        release.SetResult();
        await RepliesAsync(chat, 3);
        Assert.Equal(["reply: first", "reply: second", "reply: third"], _cluster.Sender.SentTo(chat));
    }

    [Fact]
    public async Task A_redelivered_update_is_stored_once_and_answered_once()
    {
        var chat = NewChatId();
        var message = Message(chat, "once");

        Assert.Equal(AcceptResult.Accepted, await Chat(chat).AcceptAsync(message));
        Assert.Equal(AcceptResult.Duplicate, await Chat(chat).AcceptAsync(message));
        await Chat(chat).AcceptAsync(Message(chat, "after"));
        await RepliesAsync(chat, 2);

        Assert.Equal(["reply: once", "reply: after"], _cluster.Sender.SentTo(chat));
        Assert.Single(_cluster.Agent.RequestsWith("once"));
    }

    [Fact]
    public async Task Start_greets_with_the_persona_name_and_does_not_reach_the_agent()
    {
        var chat = NewChatId();

        await Chat(chat).AcceptAsync(Message(chat, "/start"));
        await RepliesAsync(chat, 1);

        Assert.Contains("talking to echo", _cluster.Sender.SentTo(chat)[0]);
        Assert.DoesNotContain(_cluster.Agent.Requests, r => r.Text == "/start");
    }

    [Fact]
    public async Task Reset_starts_a_new_conversation()
    {
        var chat = NewChatId();

        foreach (var text in new[] { "one", "two", "/reset", "three" })
        {
            await Chat(chat).AcceptAsync(Message(chat, $"{text} {chat}"));
        }

        await RepliesAsync(chat, 4);
        Assert.Null(_cluster.Agent.RequestsWith($"one {chat}").Single().ContextId);
        Assert.Equal("ctx-echo", _cluster.Agent.RequestsWith($"two {chat}").Single().ContextId);
        Assert.Contains("new conversation", _cluster.Sender.SentTo(chat)[2]);
        Assert.Null(_cluster.Agent.RequestsWith($"three {chat}").Single().ContextId);
    }

    [Fact]
    public async Task Persona_lists_the_selectable_personas_switches_and_refuses_unknown_ones()
    {
        var chat = NewChatId();

        foreach (var text in new[] { "/persona", "/persona other", $"hello {chat}", "/persona hidden" })
        {
            await Chat(chat).AcceptAsync(Message(chat, text));
        }

        await RepliesAsync(chat, 4);
        var replies = _cluster.Sender.SentTo(chat);
        Assert.Contains("echo, other", replies[0]);
        Assert.DoesNotContain("hidden", replies[0]);
        Assert.Contains("now talking to other", replies[1]);
        Assert.Equal("other", _cluster.Agent.RequestsWith($"hello {chat}").Single().Persona.Name);
        Assert.Contains("no persona called hidden", replies[3]);
    }

    [Fact]
    public async Task A_chat_the_map_binds_cannot_switch_persona()
    {
        await Chat(ChatCluster.PinnedChat).AcceptAsync(Message(ChatCluster.PinnedChat, $"/persona@{FakeChatMembers.Username} echo"));
        await RepliesAsync(ChatCluster.PinnedChat, 1);

        Assert.Contains("bound to other", _cluster.Sender.SentTo(ChatCluster.PinnedChat)[0]);
    }

    [Fact]
    public async Task Input_required_keeps_the_task_for_the_next_message_only()
    {
        var chat = NewChatId();
        _cluster.Agent.Answer = request => Task.FromResult<AgentOutcome>(request.Text switch
        {
            "book a flight" => new AgentReply(AgentReplyKind.InputRequired, "From where?", "ctx-1", "task-1"),
            "from Paris" => new AgentReply(AgentReplyKind.Completed, "Booked.", "ctx-1", "task-1"),
            _ => new AgentReply(AgentReplyKind.Message, "ok", "ctx-1", null),
        });

        foreach (var text in new[] { "book a flight", "from Paris", "thanks" })
        {
            await Chat(chat).AcceptAsync(Message(chat, text));
        }

        await RepliesAsync(chat, 3);
        var requests = _cluster.Agent.Requests.Where(r => r.ContextId == "ctx-1" || r.Text == "book a flight").ToList();
        Assert.Equal(["From where?", "Booked.", "ok"], _cluster.Sender.SentTo(chat));
        Assert.Null(requests.Single(r => r.Text == "book a flight").TaskId);
        Assert.Equal("task-1", requests.Single(r => r.Text == "from Paris").TaskId);
        Assert.Null(requests.Single(r => r.Text == "thanks").TaskId);
    }

    [Fact]
    public async Task A_task_the_agent_forgot_is_sent_again_as_a_new_one()
    {
        var chat = NewChatId();
        _cluster.Agent.Answer = request => Task.FromResult<AgentOutcome>(
            request.Text == "ask me" ? new AgentReply(AgentReplyKind.InputRequired, "What?", "ctx-2", "task-2")
            : request.TaskId is not null ? new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotFound, "no such task")
            : new AgentReply(AgentReplyKind.Message, "fresh answer", "ctx-2", null));

        await Chat(chat).AcceptAsync(Message(chat, "ask me"));
        await Chat(chat).AcceptAsync(Message(chat, "this"));
        await RepliesAsync(chat, 2);

        Assert.Equal(["What?", "fresh answer"], _cluster.Sender.SentTo(chat));
        Assert.Equal(["task-2", null], _cluster.Agent.Requests.Where(r => r.Text == "this").Select(r => r.TaskId));
    }

    [Fact]
    public async Task Transient_agent_failures_are_retried_with_the_same_message_id()
    {
        var chat = NewChatId();
        var text = $"flaky {chat}";
        var calls = 0;
        var echo = _cluster.Agent.Answer;
        _cluster.Agent.Answer = request => request.Text == text && Interlocked.Increment(ref calls) <= 2
            ? Task.FromResult<AgentOutcome>(new AgentFailure(FailureClass.Transient, "http_503", "busy"))
            : echo(request);

        await Chat(chat).AcceptAsync(Message(chat, text));
        await RepliesAsync(chat, 1);

        Assert.Equal([$"reply: {text}"], _cluster.Sender.SentTo(chat));
        var attempts = _cluster.Agent.RequestsWith(text);
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(a => a.MessageId).Distinct());
    }

    [Fact]
    public async Task A_fatal_agent_failure_dead_letters_the_message_and_tells_the_user()
    {
        var chat = NewChatId();
        _cluster.Agent.Answer = _ => Task.FromResult<AgentOutcome>(new AgentFailure(FailureClass.Fatal, "http_400", "bad request"));

        await Chat(chat).AcceptAsync(Message(chat, "doomed"));
        await RepliesAsync(chat, 1);

        Assert.Contains("could not answer", _cluster.Sender.SentTo(chat)[0]);
        Assert.Single(_cluster.Agent.RequestsWith("doomed"));
        Assert.Equal(1, (await Chat(chat).GetState()).DeadLetters);
    }

    [Fact]
    public async Task Transient_failures_beyond_the_last_attempt_dead_letter_the_message()
    {
        var chat = NewChatId();
        _cluster.Agent.Answer = _ => Task.FromResult<AgentOutcome>(new AgentFailure(FailureClass.Transient, AgentFailureCodes.Timeout, "slow"));

        await Chat(chat).AcceptAsync(Message(chat, $"never {chat}"));
        await RepliesAsync(chat, 1);

        Assert.Equal(_cluster.Queue.RetryMaxAttempts, _cluster.Agent.RequestsWith($"never {chat}").Count);
        Assert.Contains("could not answer", _cluster.Sender.SentTo(chat)[0]);
        Assert.Equal(1, (await Chat(chat).GetState()).DeadLetters);
    }

    [Fact]
    public async Task A_send_Telegram_rate_limits_is_retried_no_sooner_than_retry_after()
    {
        var chat = NewChatId();
        var firstAttempt = DateTimeOffset.MinValue;
        _cluster.Sender.Fail = (to, _) =>
        {
            if (to != chat || firstAttempt != DateTimeOffset.MinValue)
            {
                return null;
            }

            firstAttempt = DateTimeOffset.UtcNow;
            return new SendFailed(FailureClass.Transient, "http_429", "Too Many Requests: retry after 1", RetryAfter: TimeSpan.FromSeconds(1));
        };

        await Chat(chat).AcceptAsync(Message(chat, "paced"));
        await RepliesAsync(chat, 1);

        Assert.True(DateTimeOffset.UtcNow - firstAttempt >= TimeSpan.FromSeconds(1), "the retry came before retry_after");
        Assert.Equal(2, _cluster.Sender.AttemptsTo(chat));
        Assert.Single(_cluster.Agent.RequestsWith("paced"));
    }

    [Fact]
    public async Task A_reply_Telegram_refuses_is_dead_lettered_and_the_chat_goes_on()
    {
        var chat = NewChatId();
        _cluster.Sender.Fail = (to, text) => to == chat && text.Contains("blocked", StringComparison.Ordinal)
            ? new SendFailed(FailureClass.Fatal, "http_403", "Forbidden: bot was blocked by the user")
            : null;

        await Chat(chat).AcceptAsync(Message(chat, "blocked"));
        await Chat(chat).AcceptAsync(Message(chat, "next"));
        await RepliesAsync(chat, 1);

        Assert.Equal(["reply: next"], _cluster.Sender.SentTo(chat));
        Assert.Equal(1, (await Chat(chat).GetState()).DeadLetters);
    }

    [Fact]
    public async Task A_long_reply_arrives_whole_in_parts_in_order()
    {
        var chat = NewChatId();
        var text = string.Join("\n\n", Enumerable.Range(0, 300).Select(i => $"Paragraph {i}: " + new string('x', 40)));
        _cluster.Agent.Answer = _ => Task.FromResult<AgentOutcome>(new AgentReply(AgentReplyKind.Completed, text, null, null));

        await Chat(chat).AcceptAsync(Message(chat, "long"));

        // Wait for every part: waiting for fewer raced the last one.
        await RepliesAsync(chat, MessageSplitter.Split(text).Count);

        var parts = _cluster.Sender.SentTo(chat);
        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, MessageSplitter.MaxLength));
    }

    [Fact]
    public async Task A_message_without_text_gets_a_notice_and_does_not_reach_the_agent()
    {
        var chat = NewChatId();

        await Chat(chat).AcceptAsync(Message(chat, "x") with { Text = null });
        await RepliesAsync(chat, 1);

        Assert.Contains("I can only pass on text", _cluster.Sender.SentTo(chat)[0]);
        Assert.DoesNotContain(_cluster.Agent.Requests, r => r.Text.Length == 0);
    }

    [Fact]
    public async Task A_task_that_is_over_when_the_user_answers_is_not_a_dead_end_the_message_goes_as_a_new_task()
    {
        var chat = NewChatId();
        _cluster.Agent.Answer = request => Task.FromResult<AgentOutcome>(
            request.Text == "sign me in" ? new AgentReply(AgentReplyKind.AuthRequired, "Open the link.", "ctx-3", "task-3")
            : request.TaskId is not null ? new AgentFailure(FailureClass.Fatal, "jsonrpc_-32004", "the task is completed")
            : new AgentReply(AgentReplyKind.Message, "welcome back", "ctx-3", null));

        await Chat(chat).AcceptAsync(Message(chat, "sign me in"));
        await Chat(chat).AcceptAsync(Message(chat, "done"));
        await RepliesAsync(chat, 2);

        Assert.Equal("welcome back", _cluster.Sender.SentTo(chat)[1]);
        Assert.Equal(0, (await Chat(chat).GetState()).DeadLetters);
    }

    [Fact]
    public async Task An_agent_client_that_throws_is_retried_with_backoff_and_dead_lettered_after_the_last_attempt()
    {
        var chat = NewChatId();
        var text = $"poison {chat}";
        var echo = _cluster.Agent.Answer;
        _cluster.Agent.Answer = request => request.Text == text ? throw new InvalidOperationException("adapter bug") : echo(request);

        await Chat(chat).AcceptAsync(Message(chat, text));
        await Chat(chat).AcceptAsync(Message(chat, "next"));
        await RepliesAsync(chat, 2);

        Assert.Equal(_cluster.Queue.RetryMaxAttempts, _cluster.Agent.RequestsWith(text).Count);
        Assert.Contains("could not answer", _cluster.Sender.SentTo(chat)[0]);
        Assert.Equal("reply: next", _cluster.Sender.SentTo(chat)[1]);
        Assert.Equal(1, (await Chat(chat).GetState()).DeadLetters);
    }
}
