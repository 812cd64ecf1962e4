using System.Collections.Concurrent;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Media;
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

    /// <summary>Whether the agent sends push notifications; off by default.</summary>
    public bool Pushes { get; set; }

    /// <summary>What asking for a task once brings; by default the agent no longer knows it.</summary>
    public Func<AgentTask, AgentStreamEvent>? Peek { get; set; }

    /// <summary>Tasks asked for once, in order.</summary>
    public ConcurrentQueue<AgentTask> Peeked { get; } = new();

    public Task<bool> PushesAsync(Persona persona, CancellationToken cancellationToken) => Task.FromResult(Pushes);

    /// <summary>What the agent's card says it takes; text only by default.</summary>
    public MediaModes? InputModes { get; set; } = MediaModes.TextOnly;

    public Task<MediaModes?> InputModesAsync(Persona persona, CancellationToken cancellationToken) => Task.FromResult(InputModes);

    public Task<AgentStreamEvent> PeekAsync(AgentTask task, CancellationToken cancellationToken)
    {
        Peeked.Enqueue(task);
        return Task.FromResult(Peek?.Invoke(task)
            ?? new AgentStreamEvent.Finished(new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotFound, "unknown task")));
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

/// <summary>
/// A chat sender that records what each chat was sent, drafts and edits too, and fails when a test tells it to.
/// Message ids count per chat from 1; an edit changes the text the chat shows for that message.
/// </summary>
public sealed class RecordingSender : IChatSender
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, List<(int MessageId, string Text)>> _messages = [];
    private readonly ConcurrentQueue<(long ChatId, string Text)> _attempts = new();
    private readonly ConcurrentQueue<(long ChatId, long DraftId, string Text)> _drafts = new();
    private readonly ConcurrentQueue<(long ChatId, int MessageId, string Text, ReplyButton? Button)> _edits = new();
    private readonly ConcurrentQueue<(string CallbackQueryId, string? Text)> _answers = new();
    private readonly ConcurrentQueue<(long ChatId, string Text, ReplyButton Button)> _buttons = new();

    /// <summary>Returns the outcome of the next send to a chat; null delivers.</summary>
    public Func<long, string, SendOutcome?>? Fail { get; set; }

    /// <summary>Whether a preview finds a turn free; by default it always does.</summary>
    public Func<bool> PreviewHasTurn { get; set; } = () => true;

    /// <summary>The messages sent to the chat, as first sent.</summary>
    public IReadOnlyList<string> SentTo(long chatId)
    {
        lock (_gate)
        {
            return _messages.TryGetValue(chatId, out var sent) ? [.. sent.Select(m => m.Text)] : [];
        }
    }

    /// <summary>What the chat shows: each message the bot sent, with its last edit.</summary>
    public IReadOnlyList<string> ShownIn(long chatId)
    {
        lock (_gate)
        {
            if (!_messages.TryGetValue(chatId, out var sent))
            {
                return [];
            }

            return [.. sent.Select(m => _edits.LastOrDefault(e => e.ChatId == chatId && e.MessageId == m.MessageId) is { Text: { } edited } ? edited : m.Text)];
        }
    }

    public IReadOnlyList<(long ChatId, long DraftId, string Text)> Drafts => _drafts.ToArray();

    public IReadOnlyList<(long ChatId, int MessageId, string Text, ReplyButton? Button)> Edits => _edits.ToArray();

    public IReadOnlyList<(string CallbackQueryId, string? Text)> Answers => _answers.ToArray();

    /// <summary>The messages sent with a button under them.</summary>
    public IReadOnlyList<(long ChatId, string Text, ReplyButton Button)> SentWithButtons => _buttons.ToArray();

    public int AttemptsTo(long chatId) => _attempts.Count(a => a.ChatId == chatId);

    public Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, ReplyButton? button, CancellationToken cancellationToken)
    {
        _attempts.Enqueue((chatId, text));
        if (Fail?.Invoke(chatId, text) is { } failure)
        {
            return Task.FromResult(failure);
        }

        lock (_gate)
        {
            if (!_messages.TryGetValue(chatId, out var sent))
            {
                sent = [];
                _messages[chatId] = sent;
            }

            sent.Add((sent.Count + 1, text));
            if (button is not null)
            {
                _buttons.Enqueue((chatId, text, button));
            }

            return Task.FromResult(SendOutcome.Delivered(sent.Count));
        }
    }

    public Task<SendOutcome> EditTextAsync(long chatId, int messageId, string text, ReplyButton? button, bool preview, CancellationToken cancellationToken)
    {
        if (preview && !PreviewHasTurn())
        {
            return Task.FromResult<SendOutcome>(SendDeferred.Instance);
        }

        _edits.Enqueue((chatId, messageId, text, button));
        return Task.FromResult(SendOutcome.Delivered(messageId));
    }

    public Task<SendOutcome> SendDraftAsync(long chatId, long draftId, string text, CancellationToken cancellationToken)
    {
        if (!PreviewHasTurn())
        {
            return Task.FromResult<SendOutcome>(SendDeferred.Instance);
        }

        _drafts.Enqueue((chatId, draftId, text));
        return Task.FromResult(SendOutcome.Delivered(0));
    }

    public Task<SendOutcome> AnswerButtonAsync(string callbackQueryId, string? text, CancellationToken cancellationToken)
    {
        _answers.Enqueue((callbackQueryId, text));
        return Task.FromResult(SendOutcome.Delivered(0));
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

/// <summary>Telegram's files as a test sets them: by default each id's bytes are the id itself.</summary>
public sealed class FakeChatFiles : IChatFiles
{
    private readonly ConcurrentQueue<string> _fetched = new();

    /// <summary>The answer to fetching a file id; the default gives its bytes.</summary>
    public Func<string, FileFetch> Fetch { get; set; } = id => new FileFetch.Fetched(System.Text.Encoding.UTF8.GetBytes(id));

    /// <summary>Ids fetched, in order.</summary>
    public IReadOnlyList<string> Fetched => _fetched.ToArray();

    public Task<FileFetch> FetchAsync(string fileId, long maxBytes, CancellationToken cancellationToken)
    {
        _fetched.Enqueue(fileId);
        return Task.FromResult(Fetch(fileId));
    }
}
