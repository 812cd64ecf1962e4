using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRouter.Testing;

/// <summary>Telegram's flood limits as the emulator enforces them: sends in the last second, in all and per chat.</summary>
public sealed record FloodLimits(int PerSecond, int PerChatPerSecond);

/// <summary>A message the bot sent, as the emulator recorded it.</summary>
public sealed record SentMessage(long ChatId, int MessageId, string Text, int? ReplyTo, DateTimeOffset At);

/// <summary>
/// A Telegram Bot API server for tests, written from the public Bot API documentation with hand-made JSON:
/// <c>getMe</c>, <c>getUpdates</c> (long polling, offset confirmation), <c>sendMessage</c>, <c>sendChatAction</c>,
/// <c>deleteWebhook</c>. It records what the bot does and when each update was confirmed, and lets a test inject faults.
/// </summary>
public sealed class BotApiEmulator : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _unconfirmed = [];
    private readonly Dictionary<long, DateTimeOffset> _confirmedAt = [];
    private readonly List<SentMessage> _sent = [];
    private readonly List<(int? Offset, DateTimeOffset At)> _polls = [];
    private readonly Dictionary<long, int> _nextMessageId = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _nextUpdateId = 1000;
    private int _typing;
    private int _tooManyRequests;
    private JsonObject? _webhook;
    private readonly Queue<(DateTimeOffset At, long ChatId)> _recentSends = new();
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
            ["chat"] = chatId > 0
                ? new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "Tester" }
                : new JsonObject { ["id"] = chatId, ["type"] = "supergroup", ["title"] = "Test group" },
            ["from"] = new JsonObject { ["id"] = Math.Abs(chatId), ["is_bot"] = false, ["first_name"] = "Tester" },
            ["text"] = text,
        },
    };

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
            "sendChatAction" => CountTyping(),
            "setWebhook" => SetWebhook(parameters),
            "deleteWebhook" => Ok(true),
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
            _sent.Add(new SentMessage(chatId.Value, messageId, text, replyTo, DateTimeOffset.UtcNow));
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

    /// <summary>Counts this send against the limits of the last second; true when it is one too many.</summary>
    private bool Flooded(long chatId)
    {
        if (Limits is not { } limits)
        {
            return false;
        }

        var now = DateTimeOffset.UtcNow;
        while (_recentSends.Count > 0 && _recentSends.Peek().At <= now - TimeSpan.FromSeconds(1))
        {
            _recentSends.Dequeue();
        }

        if (_recentSends.Count >= limits.PerSecond || _recentSends.Count(s => s.ChatId == chatId) >= limits.PerChatPerSecond)
        {
            return true;
        }

        _recentSends.Enqueue((now, chatId));
        return false;
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
