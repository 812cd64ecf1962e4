using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRouter.Testing;

/// <summary>
/// Telegram's flood limits as the emulator enforces them, counting messages and edits alike, and drafts only against
/// their chat (Telegram documents the bot's limit for messages, and none for drafts): sends in the last second in all; per private chat about <paramref name="PerChatPerSecond"/> a second with the short bursts
/// Telegram allows (so many times three in any three seconds); per group <paramref name="PerGroupPerMinute"/> in any minute.
/// </summary>
public sealed record FloodLimits(int PerSecond, int PerChatPerSecond, int PerGroupPerMinute = 20);

/// <summary>A message the bot sent, as the emulator recorded it; <paramref name="Button"/> is the text of its inline button.</summary>
public sealed record SentMessage(long ChatId, int MessageId, string Text, int? ReplyTo, DateTimeOffset At, string? Button = null);

/// <summary>An edit of a message the bot sent: its new text and button, and when.</summary>
public sealed record EditedMessage(long ChatId, int MessageId, string Text, string? Button, DateTimeOffset At);

/// <summary>A draft the bot showed in a private chat.</summary>
public sealed record SentDraft(long ChatId, long DraftId, string Text, bool CanStop, DateTimeOffset At);

/// <summary>
/// A Telegram Bot API server for tests, written from the public Bot API documentation with hand-made JSON:
/// <c>getMe</c>, <c>getUpdates</c> (long polling, offset confirmation), <c>sendMessage</c>, <c>editMessageText</c>
/// (refusing an edit that changes nothing, as Telegram does), <c>sendMessageDraft</c> (private chats only),
/// <c>answerCallbackQuery</c>, <c>sendChatAction</c>, <c>deleteWebhook</c>. It records what the bot does and when
/// each update was confirmed, and lets a test inject faults.
/// </summary>
public sealed class BotApiEmulator : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _unconfirmed = [];
    private readonly Dictionary<long, DateTimeOffset> _confirmedAt = [];
    private readonly List<SentMessage> _sent = [];
    private readonly List<EditedMessage> _edits = [];
    private readonly List<SentDraft> _drafts = [];
    private readonly List<string> _answeredCallbacks = [];
    private int _notModified;
    private readonly List<(int? Offset, DateTimeOffset At)> _polls = [];
    private readonly Dictionary<long, int> _nextMessageId = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _nextUpdateId = 1000;
    private int _typing;
    private int _tooManyRequests;
    private JsonObject? _webhook;
    private (string Command, string Description)[] _commands = [];
    private readonly Queue<(DateTimeOffset At, long ChatId)> _recentSends = new();

    /// <summary>A chat may have a burst of sends, so long as they average its limit over this long.</summary>
    private static readonly TimeSpan ChatBurst = TimeSpan.FromSeconds(3);
    private WebApplication? _app;

    private BotApiEmulator(string token) => Token = token;

    public string Token { get; }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Decides the answer to one Bot API call before the emulator does; null lets the emulator answer.</summary>
    public Func<string, JsonObject, IResult?>? Fault { get; set; }

    /// <summary>When set, sendMessage answers 429 (retry_after 1) to a send over these limits, as Telegram does.</summary>
    public FloodLimits? Limits { get; set; }

    /// <summary>
    /// When set, getUpdates answers at once with what it has, even nothing, whatever timeout it was asked to wait:
    /// a Bot API (a proxy, a misconfigured server) that ignores long polling.
    /// </summary>
    public bool IgnoresPollTimeout { get; set; }

    /// <summary>How many sends were answered 429.</summary>
    public int TooManyRequests
    {
        get { lock (_gate) { return _tooManyRequests; } }
    }

    public int TypingActions
    {
        get { lock (_gate) { return _typing; } }
    }

    /// <summary>Edits refused with "message is not modified": the bot tried to show what was shown already.</summary>
    public int NotModified
    {
        get { lock (_gate) { return _notModified; } }
    }

    public IReadOnlyList<EditedMessage> Edits
    {
        get { lock (_gate) { return _edits.ToArray(); } }
    }

    public IReadOnlyList<SentDraft> Drafts
    {
        get { lock (_gate) { return _drafts.ToArray(); } }
    }

    public IReadOnlyList<SentDraft> DraftsIn(long chatId)
    {
        lock (_gate)
        {
            return _drafts.Where(d => d.ChatId == chatId).ToArray();
        }
    }

    /// <summary>The callback query ids the bot answered.</summary>
    public IReadOnlyList<string> AnsweredCallbacks
    {
        get { lock (_gate) { return _answeredCallbacks.ToArray(); } }
    }

    /// <summary>What a chat shows of the bot: every message it sent, oldest first, each with its latest text and button.</summary>
    public IReadOnlyList<SentMessage> ShownIn(long chatId)
    {
        lock (_gate)
        {
            return _sent.Where(m => m.ChatId == chatId).Select(m =>
                _edits.LastOrDefault(e => e.ChatId == chatId && e.MessageId == m.MessageId) is { } edit
                    ? m with { Text = edit.Text, Button = edit.Button }
                    : m).ToArray();
        }
    }

    /// <summary>A user presses the inline button with <paramref name="data"/> under the bot's message; returns the update id.</summary>
    public int PressButton(long chatId, int messageId, string data, long? userId = null)
    {
        lock (_gate)
        {
            var updateId = _nextUpdateId++;
            _unconfirmed.Add(new JsonObject
            {
                ["update_id"] = updateId,
                ["callback_query"] = new JsonObject
                {
                    ["id"] = $"callback-{updateId}",
                    ["from"] = new JsonObject { ["id"] = userId ?? Math.Abs(chatId), ["is_bot"] = false, ["first_name"] = "Tester" },
                    ["message"] = new JsonObject
                    {
                        ["message_id"] = messageId,
                        ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                        ["chat"] = ChatJson(chatId),
                        ["text"] = "…",
                    },
                    ["chat_instance"] = $"instance-{chatId}",
                    ["data"] = data,
                },
            });
            Signal();
            return updateId;
        }
    }

    /// <summary>A user presses the stop button of a draft in a private chat; returns the update id.</summary>
    public int StopDraft(long chatId, long draftId)
    {
        lock (_gate)
        {
            var updateId = _nextUpdateId++;
            _unconfirmed.Add(new JsonObject
            {
                ["update_id"] = updateId,
                ["stopped_message_generation"] = new JsonObject { ["chat"] = ChatJson(chatId), ["draft_id"] = draftId },
            });
            Signal();
            return updateId;
        }
    }

    public static async Task<BotApiEmulator> StartAsync(string token = "123456789:emulator-token-abcdefghijklmnopqrstuvwxyz")
    {
        var emulator = new BotApiEmulator(token);
        (emulator._app, emulator.BaseUrl) = await LoopbackServer.StartAsync(app =>
            app.MapMethods("/bot{token}/{method}", ["GET", "POST"], emulator.HandleAsync));
        return emulator;
    }

    /// <summary>A user writes <paramref name="text"/> into a chat (private when the id is positive); returns the update id.</summary>
    public int Post(long chatId, string text)
    {
        lock (_gate)
        {
            var updateId = _nextUpdateId++;
            _unconfirmed.Add(Update(updateId, chatId, NextMessageId(chatId), text));
            Signal();
            return updateId;
        }
    }

    /// <summary>A user sends a message of any kind: <paramref name="content"/> is added to the message (a story, a game…).</summary>
    public int PostMessage(long chatId, string field, JsonNode content)
    {
        lock (_gate)
        {
            var updateId = _nextUpdateId++;
            var update = Update(updateId, chatId, NextMessageId(chatId), "");
            var message = update["message"]!.AsObject();
            message.Remove("text");
            message[field] = content;
            _unconfirmed.Add(update);
            Signal();
            return updateId;
        }
    }

    /// <summary>A Telegram update carrying a user's text message, as the Bot API documents it.</summary>
    public static JsonObject Update(int updateId, long chatId, int messageId, string text) => new()
    {
        ["update_id"] = updateId,
        ["message"] = new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = ChatJson(chatId),
            ["from"] = new JsonObject { ["id"] = Math.Abs(chatId), ["is_bot"] = false, ["first_name"] = "Tester" },
            ["text"] = text,
        },
    };

    private static JsonObject ChatJson(long chatId) => chatId > 0
        ? new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "Tester" }
        : new JsonObject { ["id"] = chatId, ["type"] = "supergroup", ["title"] = "Test group" };

    /// <summary>The bot's commands as the last setMyCommands call gave them; none before one came.</summary>
    public IReadOnlyList<(string Command, string Description)> Commands
    {
        get { lock (_gate) { return _commands; } }
    }

    /// <summary>The parameters of the last setWebhook call, or null when none came.</summary>
    public JsonObject? Webhook
    {
        get { lock (_gate) { return _webhook?.DeepClone() as JsonObject; } }
    }

    public int SentCount
    {
        get { lock (_gate) { return _sent.Count; } }
    }

    public IReadOnlyList<SentMessage> Sent
    {
        get { lock (_gate) { return _sent.ToArray(); } }
    }

    public IReadOnlyList<SentMessage> SentTo(long chatId)
    {
        lock (_gate)
        {
            return _sent.Where(m => m.ChatId == chatId).ToArray();
        }
    }

    /// <summary>When each update was confirmed: the first getUpdates whose offset passed it.</summary>
    public IReadOnlyDictionary<long, DateTimeOffset> ConfirmedAt
    {
        get { lock (_gate) { return new Dictionary<long, DateTimeOffset>(_confirmedAt); } }
    }

    /// <summary>Every getUpdates call: its offset and when it came.</summary>
    public IReadOnlyList<(int? Offset, DateTimeOffset At)> Polls
    {
        get { lock (_gate) { return _polls.ToArray(); } }
    }

    public IReadOnlyList<long> Unconfirmed
    {
        get { lock (_gate) { return _unconfirmed.Select(u => (long)u["update_id"]!.GetValue<int>()).ToArray(); } }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what the emulator saw, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<BotApiEmulator, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(250), deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                deadline.Token.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The Bot API emulator did not see {what} within {timeout.TotalSeconds:0} s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> HandleAsync(string token, string method, HttpContext context)
    {
        if (token != Token)
        {
            return Error(401, "Unauthorized");
        }

        var parameters = await ReadParametersAsync(context.Request);
        if (Fault?.Invoke(method, parameters) is { } fault)
        {
            return fault;
        }

        return method switch
        {
            "getMe" => Ok(new JsonObject { ["id"] = 123456789, ["is_bot"] = true, ["first_name"] = "Emulated", ["username"] = "emulated_bot" }),
            "getUpdates" => Ok(await GetUpdatesAsync(parameters, context.RequestAborted)),
            "sendMessage" => SendMessage(parameters),
            "editMessageText" => EditMessageText(parameters),
            "sendMessageDraft" => SendMessageDraft(parameters),
            "answerCallbackQuery" => AnswerCallbackQuery(parameters),
            "sendChatAction" => CountTyping(),
            "setWebhook" => SetWebhook(parameters),
            "deleteWebhook" => Ok(true),
            "setMyCommands" => SetMyCommands(parameters),
            _ => Error(404, "Not Found: method not found"),
        };
    }

    private async Task<JsonNode> GetUpdatesAsync(JsonObject parameters, CancellationToken aborted)
    {
        var offset = Int(parameters, "offset");
        var wait = IgnoresPollTimeout ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(Int(parameters, "timeout") ?? 0, 30));
        var limit = Math.Clamp(Int(parameters, "limit") ?? 100, 1, 100);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(wait);
        lock (_gate)
        {
            _polls.Add((offset, DateTimeOffset.UtcNow));
            Confirm(offset);
        }

        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_unconfirmed.Count > 0 || deadline.IsCancellationRequested)
                {
                    return new JsonArray(_unconfirmed.Take(limit).Select(u => u.DeepClone()).ToArray());
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (aborted.IsCancellationRequested)
            {
                return new JsonArray();
            }
        }
    }

    private void Confirm(int? offset)
    {
        if (offset is not { } confirmed)
        {
            return;
        }

        foreach (var update in _unconfirmed.Where(u => u["update_id"]!.GetValue<int>() < confirmed))
        {
            _confirmedAt.TryAdd(update["update_id"]!.GetValue<int>(), DateTimeOffset.UtcNow);
        }

        _unconfirmed.RemoveAll(u => u["update_id"]!.GetValue<int>() < confirmed);
        Signal();
    }

    private IResult SendMessage(JsonObject parameters)
    {
        var chatId = Long(parameters, "chat_id");
        var text = parameters["text"]?.GetValue<string>();
        if (chatId is null || string.IsNullOrWhiteSpace(text))
        {
            return Error(400, "Bad Request: message text is empty");
        }

        if (text.Length > 4096)
        {
            return Error(400, "Bad Request: message is too long");
        }

        var replyTo = parameters["reply_parameters"] is JsonObject reply ? Int(reply, "message_id") : null;
        lock (_gate)
        {
            if (Flooded(chatId.Value))
            {
                _tooManyRequests++;
                return Error(429, "Too Many Requests: retry after 1", new JsonObject { ["retry_after"] = 1 });
            }

            var messageId = NextMessageId(chatId.Value);
            _sent.Add(new SentMessage(chatId.Value, messageId, text, replyTo, DateTimeOffset.UtcNow, ButtonOf(parameters)));
            Signal();
            return Ok(new JsonObject
            {
                ["message_id"] = messageId,
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatId > 0 ? "private" : "supergroup" },
                ["from"] = new JsonObject { ["id"] = 123456789, ["is_bot"] = true, ["first_name"] = "Emulated" },
                ["text"] = text,
            });
        }
    }

    private IResult EditMessageText(JsonObject parameters)
    {
        var chatId = Long(parameters, "chat_id");
        var messageId = Int(parameters, "message_id");
        var text = parameters["text"]?.GetValue<string>();
        if (chatId is null || messageId is null || string.IsNullOrWhiteSpace(text))
        {
            return Error(400, "Bad Request: message text is empty");
        }

        if (text.Length > 4096)
        {
            return Error(400, "Bad Request: MESSAGE_TOO_LONG");
        }

        lock (_gate)
        {
            if (_sent.FirstOrDefault(m => m.ChatId == chatId && m.MessageId == messageId) is not { } original)
            {
                return Error(400, "Bad Request: message to edit not found");
            }

            var current = _edits.LastOrDefault(e => e.ChatId == chatId && e.MessageId == messageId) is { } last ? (last.Text, last.Button) : (original.Text, original.Button);
            var button = ButtonOf(parameters);
            if (current == (text, button))
            {
                _notModified++;
                return Error(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
            }

            if (Flooded(chatId.Value))
            {
                _tooManyRequests++;
                return Error(429, "Too Many Requests: retry after 1", new JsonObject { ["retry_after"] = 1 });
            }

            _edits.Add(new EditedMessage(chatId.Value, messageId.Value, text, button, DateTimeOffset.UtcNow));
            Signal();
            return Ok(new JsonObject
            {
                ["message_id"] = messageId,
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["edit_date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatId > 0 ? "private" : "supergroup" },
                ["from"] = new JsonObject { ["id"] = 123456789, ["is_bot"] = true, ["first_name"] = "Emulated" },
                ["text"] = text,
            });
        }
    }

    private IResult SendMessageDraft(JsonObject parameters)
    {
        var chatId = Long(parameters, "chat_id");
        var draftId = Long(parameters, "draft_id");
        var text = parameters["text"]?.GetValue<string>() ?? "";
        if (chatId is null || draftId is null or 0)
        {
            return Error(400, "Bad Request: invalid draft identifier");
        }

        if (chatId < 0)
        {
            return Error(400, "Bad Request: drafts can be sent only to private chats");
        }

        if (text.Length > 4096)
        {
            return Error(400, "Bad Request: TEXT_TOO_LONG");
        }

        lock (_gate)
        {
            if (DraftFlooded(chatId.Value))
            {
                _tooManyRequests++;
                return Error(429, "Too Many Requests: retry after 1", new JsonObject { ["retry_after"] = 1 });
            }

            var canStop = parameters["can_stop"] is JsonValue stop && (stop.GetValueKind() == JsonValueKind.True || stop.ToString() == "true");
            _drafts.Add(new SentDraft(chatId.Value, draftId.Value, text, canStop, DateTimeOffset.UtcNow));
            Signal();
            return Ok(true);
        }
    }

    private IResult AnswerCallbackQuery(JsonObject parameters)
    {
        if (parameters["callback_query_id"]?.GetValue<string>() is not { Length: > 0 } id)
        {
            return Error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
        }

        lock (_gate)
        {
            _answeredCallbacks.Add(id);
            Signal();
        }

        return Ok(true);
    }

    /// <summary>The text of the first button of the message's inline keyboard, or null.</summary>
    private static string? ButtonOf(JsonObject parameters) =>
        (parameters["reply_markup"] is JsonValue json ? JsonNode.Parse(json.ToString()) : parameters["reply_markup"])?["inline_keyboard"]?[0]?[0]?["text"]?.GetValue<string>();

    /// <summary>Counts this send against the limits; true when it is one too many.</summary>
    /// <summary>Counts this draft against its chat's drafts of the last three seconds; true when it is one too many.</summary>
    private bool DraftFlooded(long chatId)
    {
        if (Limits is not { } limits)
        {
            return false;
        }

        var now = DateTimeOffset.UtcNow;
        var recent = _drafts.Count(d => d.ChatId == chatId && d.At > now - ChatBurst);
        return recent >= limits.PerChatPerSecond * ChatBurst.TotalSeconds;
    }

    private bool Flooded(long chatId)
    {
        if (Limits is not { } limits)
        {
            return false;
        }

        var now = DateTimeOffset.UtcNow;
        while (_recentSends.Count > 0 && _recentSends.Peek().At <= now - TimeSpan.FromMinutes(1))
        {
            _recentSends.Dequeue();
        }

        var lastSecond = _recentSends.Count(s => s.At > now - TimeSpan.FromSeconds(1));
        var chat = chatId < 0
            ? _recentSends.Count(s => s.ChatId == chatId) >= limits.PerGroupPerMinute
            : _recentSends.Count(s => s.ChatId == chatId && s.At > now - ChatBurst) >= limits.PerChatPerSecond * ChatBurst.TotalSeconds;
        if (lastSecond >= limits.PerSecond || chat)
        {
            return true;
        }

        _recentSends.Enqueue((now, chatId));
        return false;
    }

    private IResult SetMyCommands(JsonObject parameters)
    {
        var commands = parameters["commands"] is JsonArray array ? array : JsonNode.Parse(parameters["commands"]?.GetValue<string>() ?? "[]") as JsonArray;
        lock (_gate)
        {
            _commands = [.. (commands ?? []).Select(c => (c?["command"]?.GetValue<string>() ?? "", c?["description"]?.GetValue<string>() ?? ""))];
            Signal();
        }

        return Ok(true);
    }

    private IResult SetWebhook(JsonObject parameters)
    {
        lock (_gate)
        {
            _webhook = parameters;
            Signal();
        }

        return Ok(true);
    }

    private IResult CountTyping()
    {
        lock (_gate)
        {
            _typing++;
        }

        return Ok(true);
    }

    private int NextMessageId(long chatId)
    {
        var next = _nextMessageId.GetValueOrDefault(chatId, 1);
        _nextMessageId[chatId] = next + 1;
        return next;
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    public static IResult Ok(JsonNode result) =>
        Results.Content(new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString(), "application/json");

    public static IResult Error(int code, string description, JsonObject? parameters = null) =>
        Results.Content(
            new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description, ["parameters"] = parameters }.ToJsonString(),
            "application/json",
            statusCode: code);

    private static async Task<JsonObject> ReadParametersAsync(HttpRequest request)
    {
        var parameters = new JsonObject();
        foreach (var (key, value) in request.Query)
        {
            parameters[key] = value.ToString();
        }

        if (request.HasJsonContentType())
        {
            if (await JsonNode.ParseAsync(request.Body) is JsonObject body)
            {
                foreach (var (key, value) in body)
                {
                    parameters[key] = value?.DeepClone();
                }
            }
        }
        else if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync())
            {
                parameters[key] = value.ToString();
            }
        }

        return parameters;
    }

    private static long? Long(JsonObject parameters, string key) => parameters[key] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<long>(),
        JsonValue value when long.TryParse(value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static int? Int(JsonObject parameters, string key) => Long(parameters, key) is { } value ? (int)value : null;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
