using System.Collections.Concurrent;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Personas;

namespace OrleansRouter.Tests.Support;

/// <summary>An agent whose answers a test scripts; by default it says "reply: text" in one conversation per chat persona.</summary>
public sealed class ScriptedAgent : IAgentClient
{
    private readonly ConcurrentQueue<AgentRequest> _requests = new();

    public Func<AgentRequest, Task<AgentOutcome>> Answer { get; set; } =
        request => Task.FromResult<AgentOutcome>(new AgentReply(AgentReplyKind.Message, $"reply: {request.Text}", request.ContextId ?? $"ctx-{request.Persona.Name}", null));

    public IReadOnlyList<AgentRequest> Requests => _requests.ToArray();

    public IReadOnlyList<AgentRequest> RequestsWith(string marker) => _requests.Where(r => r.Text.Contains(marker, StringComparison.Ordinal)).ToArray();

    public Task<AgentOutcome> SendAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        return Answer(request);
    }

    /// <summary>What a streamed message brings; by default its blocking answer, as one event.</summary>
    public Func<AgentRequest, IAsyncEnumerable<AgentStreamEvent>>? Stream { get; set; }

    /// <summary>What following a task again brings; by default the agent no longer knows it.</summary>
    public Func<AgentTask, IAsyncEnumerable<AgentStreamEvent>>? Resume { get; set; }

    /// <summary>Cancel requests, in order.</summary>
    public ConcurrentQueue<AgentTask> Cancelled { get; } = new();

    public IAsyncEnumerable<AgentStreamEvent> StreamAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        if (Stream is { } stream)
        {
            _requests.Enqueue(request);
            return stream(request);
        }

        return OneEventAsync(SendAsync(request, cancellationToken));
    }

    public IAsyncEnumerable<AgentStreamEvent> ResumeAsync(AgentTask task, CancellationToken cancellationToken) =>
        Resume?.Invoke(task) ?? OneEventAsync(Task.FromResult<AgentOutcome>(new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotFound, "unknown task")));

    public Task<AgentOutcome> CancelAsync(AgentTask task, CancellationToken cancellationToken)
    {
        Cancelled.Enqueue(task);
        return Task.FromResult<AgentOutcome>(new AgentReply(AgentReplyKind.Canceled, "", task.ContextId, task.TaskId));
    }

    public Task<AgentProbe> ProbeAsync(Persona persona, CancellationToken cancellationToken) => Task.FromResult(new AgentProbe(true, "scripted"));

    private static async IAsyncEnumerable<AgentStreamEvent> OneEventAsync(Task<AgentOutcome> outcome)
    {
        yield return new AgentStreamEvent.Finished(await outcome);
    }
}

/// <summary>A chat sender that records what each chat was sent, and fails when a test tells it to.</summary>
public sealed class RecordingSender : IChatSender
{
    private readonly ConcurrentDictionary<long, ConcurrentQueue<string>> _sent = new();
    private readonly ConcurrentQueue<(long ChatId, string Text)> _attempts = new();

    /// <summary>Returns the outcome of the next send to a chat; null delivers.</summary>
    public Func<long, string, SendOutcome?>? Fail { get; set; }

    public IReadOnlyList<string> SentTo(long chatId) => _sent.TryGetValue(chatId, out var sent) ? sent.ToArray() : [];

    public int AttemptsTo(long chatId) => _attempts.Count(a => a.ChatId == chatId);

    public Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, CancellationToken cancellationToken)
    {
        _attempts.Enqueue((chatId, text));
        if (Fail?.Invoke(chatId, text) is { } failure)
        {
            return Task.FromResult(failure);
        }

        _sent.GetOrAdd(chatId, _ => new ConcurrentQueue<string>()).Enqueue(text);
        return Task.FromResult(SendOutcome.Delivered(1));
    }

    public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken) => Task.FromResult(SendOutcome.Delivered(0));
}

public sealed class NoTyping : ITypingIndicator
{
    public IAsyncDisposable Start(long chatId) => new Nothing();

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>What Telegram would say about the bot and a group's members, as a test sets it: by default every sender is an admin.</summary>
public sealed class FakeChatMembers : IChatMembers
{
    public const string Username = "router_test_bot";

    private readonly ConcurrentQueue<(long ChatId, long UserId)> _asked = new();

    /// <summary>The answer to getChatMember; null plays Telegram out of reach.</summary>
    public Func<long, long, bool?> IsAdmin { get; set; } = (_, _) => true;

    /// <summary>getMe's username; null plays getMe failing.</summary>
    public string? BotUsername { get; set; } = Username;

    public int AskedAbout(long chatId) => _asked.Count(a => a.ChatId == chatId);

    public Task<string?> BotUsernameAsync(CancellationToken cancellationToken) => Task.FromResult(BotUsername);

    public Task<bool?> IsAdminAsync(long chatId, long userId, CancellationToken cancellationToken)
    {
        _asked.Enqueue((chatId, userId));
        return Task.FromResult(IsAdmin(chatId, userId));
    }
}
