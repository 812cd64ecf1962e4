using System.Globalization;
using System.Text;

namespace OrleansRouter.Testing.Hostile;

/// <summary>A message a real user wrote, in a real update with the right secret: the router must answer it once.</summary>
public sealed record GenuineMessage(long ChatId, int MessageId, int UpdateId, int Label, string Text);

/// <summary>
/// One post to the webhook. <see cref="Secret"/> null sends no secret header; <see cref="Chunked"/> sends the body
/// without a Content-Length. <see cref="Forged"/> posts carry a wrong or no secret.
/// </summary>
public sealed record WebhookPost(string Kind, string? Secret, CorpusBody Body, bool Chunked, bool Forged, GenuineMessage? Genuine = null)
{
    /// <summary>Over the router's body limit (1 MiB): the server may close the connection before it has read it all.</summary>
    public bool Huge => Body.Length > 1024 * 1024;
}

/// <summary>
/// The bad-input corpus for the webhook, the same every run for one seed: forged posts (wrong or no secret) and
/// malformed ones with the right secret, interleaved with genuine updates from a few chats. Texts of forged and
/// malformed posts start with "forged" or "malformed", genuine ones with "genuine N", so a test can tell from what
/// an agent received which kind got through.
/// </summary>
public sealed class WebhookCorpus
{
    public const int HugeBodies = 24;
    public const long MaxHugeBytes = 128L * 1024 * 1024;
    public const int DeepLevels = 10_000;
    public const int FirstGenuineUpdateId = 1_000_000;

    /// <summary>The first posts, which hold every kind, and half the huge bodies: what a warm-up sends.</summary>
    public const int WarmUpSpan = 2_500;

    private readonly Random _random;
    private readonly string _secret;
    private readonly IReadOnlyList<long> _chats;
    private readonly List<GenuineMessage> _genuine = [];
    private int _nextUpdateId = 7_000_000;

    private WebhookCorpus(int seed, string secret, IReadOnlyList<long> chats)
    {
        _random = new Random(seed);
        _secret = secret;
        _chats = chats;
    }

    /// <summary>Every post, in the order to send them.</summary>
    public IReadOnlyList<WebhookPost> Posts { get; private set; } = [];

    public IReadOnlyList<GenuineMessage> Genuine => _genuine;

    public static WebhookCorpus Generate(int seed, string secret, IReadOnlyList<long> chats, int hostile, int genuinePerChat)
    {
        var corpus = new WebhookCorpus(seed, secret, chats);
        corpus.Posts = corpus.Build(hostile, genuinePerChat);
        return corpus;
    }

    /// <summary>The label of a genuine text ("genuine N: …"); null for any other text.</summary>
    public static int? LabelOf(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return text.StartsWith("genuine ", StringComparison.Ordinal) && colon > 8
            && int.TryParse(text.AsSpan(8, colon - 8), NumberStyles.None, CultureInfo.InvariantCulture, out var label)
            ? label
            : null;
    }

    private List<WebhookPost> Build(int hostile, int genuinePerChat)
    {
        var genuine = GenuinePosts(genuinePerChat);
        var bad = Enumerable.Range(0, hostile - HugeBodies).Select(BadPost).ToList();

        // Genuine posts go in at random places, in their own order (the sender keeps each chat's order).
        var posts = new List<WebhookPost>(bad);
        var places = Enumerable.Range(0, genuine.Count).Select(_ => _random.Next(0, posts.Count + 1)).Order().ToList();
        for (var i = genuine.Count - 1; i >= 0; i--)
        {
            posts.Insert(places[i], genuine[i]);
        }

        // Half the huge bodies among the first posts (a warm-up reaches the buffers' working size), half spread over the rest.
        var huge = Enumerable.Range(0, HugeBodies).Select(HugePost).ToList();
        if (huge.Sum(p => p.Body.Length) > MaxHugeBytes)
        {
            throw new InvalidOperationException("the huge bodies of the corpus exceed their byte budget");
        }

        for (var i = HugeBodies - 1; i >= 0; i--)
        {
            var half = HugeBodies / 2;
            posts.Insert(i < half ? 100 + i * (WarmUpSpan / half) : WarmUpSpan + (i - half) * ((posts.Count - WarmUpSpan) / half), huge[i]);
        }

        return posts;
    }

    private List<WebhookPost> GenuinePosts(int perChat)
    {
        var posts = new List<WebhookPost>();
        var label = 0;
        for (var i = 1; i <= perChat; i++)
        {
            foreach (var chat in _chats)
            {
                label++;
                var message = new GenuineMessage(chat, i, FirstGenuineUpdateId + label, label, GenuineText(label, i));
                _genuine.Add(message);
                var json = Update(message.UpdateId, chat, i, Json(message.Text, raw: label % 2 == 0));
                posts.Add(new WebhookPost("genuine", _secret, CorpusBody.Of(json), Chunked: label % 4 == 0, Forged: false, message));
            }
        }

        return posts;
    }

    private static string GenuineText(int label, int index) => $"genuine {label}: " + (index % 8) switch
    {
        1 => "\u202Egnp.exe\u202C a right-to-left override",
        2 => "zero\u200Bwidth\u200C\u200D\uFEFF joiners",
        3 => "a NUL \u0000 inside",
        4 => Long(4_096 - $"genuine {label}: ".Length),
        5 => "e\u0301\u0301\u0301 combining marks, \U0001F469\u200D\U0001F469\u200D\U0001F467 a family, \U0001F600",
        6 => "<b>not html</b> & \"quotes\" \\ a backslash, /reset@OtherBot mid-text",
        _ => "hello",
    };

    private WebhookPost BadPost(int k)
    {
        var roll = _random.Next(100);
        var post = roll switch
        {
            < 25 => Forged(k, "wrong_secret", WrongSecret(), $"forged {k}"),
            < 35 => Forged(k, "no_secret", null, $"forged {k}"),
            < 40 => Forged(k, "forged_unicode", WrongSecret(), $"forged {k} " + Pick(HostileTexts)),
            < 44 => Forged(k, "forged_long_text", WrongSecret(), $"forged {k} " + Long(_random.Next(4_097, 50_000))),
            < 56 => Malformed("truncated", Truncated(k)),
            < 60 => Malformed("deep", Deep(k)),
            < 74 => Malformed("wrong_types", WrongTypes(k)),
            < 84 => Malformed("unknown_kind", UnknownKind(k)),
            < 94 => Malformed("bad_unicode", BadUnicode(k)),
            _ => Malformed("odd_root", CorpusBody.Of(Pick(OddRoots).Replace("{k}", k.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))),
        };
        return post with { Chunked = _random.Next(10) == 0 };
    }

    private WebhookPost HugePost(int i)
    {
        var forged = i % 3 == 0;
        var head = Encoding.UTF8.GetBytes($"{{\"update_id\":{_nextUpdateId++},\"message\":{{\"message_id\":1,\"date\":0,\"chat\":{{\"id\":{Pick(_chats)},\"type\":\"private\"}},\"text\":\"{(forged ? "forged" : "malformed")} huge ");
        var body = new CorpusBody(head, filler: _random.NextInt64(2L * 1024 * 1024, 6L * 1024 * 1024), tail: "\"}}"u8.ToArray());
        return new WebhookPost("huge", forged ? WrongSecret() : _secret, body, Chunked: i % 2 == 0, Forged: forged);
    }

    private WebhookPost Forged(int k, string kind, string? secret, string text)
    {
        // A forger may reuse the id of a genuine update still to come: taken, it would make the real one a duplicate.
        var updateId = _random.Next(3) == 0 ? FirstGenuineUpdateId + 1 + _random.Next(_chats.Count * 10) : _nextUpdateId++;
        return new WebhookPost(kind, secret, CorpusBody.Of(Update(updateId, Pick(_chats), _random.Next(1, 1000), Json(text, raw: k % 2 == 0))), false, Forged: true);
    }

    private WebhookPost Malformed(string kind, CorpusBody body) => new(kind, _secret, body, false, Forged: false);

    private string WrongSecret() => _random.Next(8) switch
    {
        0 => _secret[..^1],
        1 => _secret + "x",
        2 => _secret[..5] + (char)(_secret[5] ^ 1) + _secret[6..],
        3 => _secret.ToUpperInvariant() is var upper && upper != _secret ? upper : _secret.ToLowerInvariant(),
        4 => "",
        5 => _secret + _secret,
        6 => Long(4_096),
        _ => Convert.ToHexString(RandomBytes(16)),
    };

    private CorpusBody Truncated(int k)
    {
        var whole = Update(_nextUpdateId++, Pick(_chats), 1, Json($"malformed {k} truncated", raw: false));
        return CorpusBody.Of(whole[.._random.Next(1, whole.Length - 1)]);
    }

    private CorpusBody Deep(int k)
    {
        var chat = Pick(_chats);
        var levels = DeepLevels;
        return (k % 4) switch
        {
            0 => CorpusBody.Of(new string('[', levels) + new string(']', levels)),
            1 => CorpusBody.Of($"{{\"update_id\":{_nextUpdateId++},\"message\":" + string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels) + "}"),
            2 => CorpusBody.Of(Update(_nextUpdateId++, chat, 1, Json($"malformed {k} deep", raw: false))[..^2] + ",\"entities\":" + new string('[', levels)),
            _ => CorpusBody.Of(string.Concat(Enumerable.Repeat("{\"a\":", levels))),
        };
    }

    private CorpusBody WrongTypes(int k)
    {
        string[] wrong = ["\"not a number\"", "true", "[]", "{}", "[1,2]", "1.5", "-1e999", "\"\"", "null"];
        string[] wrongForText = ["42", "true", "[]", "{}", "[\"a\"]", "1.5"];
        var chat = Pick(_chats);
        var text = Json($"malformed {k} wrong types", raw: false);
        var value = Pick(wrong);
        return CorpusBody.Of(_random.Next(8) switch
        {
            0 => $"{{\"update_id\":{value.Replace("null", "\"x\"", StringComparison.Ordinal)},\"message\":{Message(chat, "1", "0", Chat(chat), text)}}}",
            1 => $"{{\"update_id\":{_nextUpdateId++},\"message\":{Pick(["[]", "\"a message\"", "42", "true", "[{}]"])}}}",
            2 => Wrapped(Message(chat, value.Replace("null", "\"x\"", StringComparison.Ordinal), "0", Chat(chat), text)),
            3 => Wrapped(Message(chat, "1", Pick(["\"yesterday\"", "[]", "{}", "true"]), Chat(chat), text)),
            4 => Wrapped(Message(chat, "1", "0", Pick(["[]", "\"a chat\"", "42", "true"]), text)),
            5 => Wrapped(Message(chat, "1", "0", $"{{\"id\":{Pick(["\"twelve\"", "[]", "{}", "true", "1.5", "99999999999999999999999"])},\"type\":\"private\"}}", text)),
            6 => Wrapped(Message(chat, "1", "0", Chat(chat), Pick(wrongForText))),
            _ => Wrapped(Message(chat, "1", "0", Chat(chat), text).Replace("\"from\":{", "\"from\":" + Pick(["[]", "42", "\"me\""]) + ",\"x\":{", StringComparison.Ordinal)),
        });
    }

    private string Wrapped(string message) => $"{{\"update_id\":{_nextUpdateId++},\"message\":{message}}}";

    private CorpusBody UnknownKind(int k)
    {
        string[] kinds = ["hologram_message", "edited_message", "channel_post", "edited_channel_post", "business_message", "message_reaction", "callback_query", "inline_query", "poll", "chat_member", "purchased_paid_media", "Message", "MESSAGE", "message "];
        var chat = Pick(_chats);
        var message = Message(chat, "1", "0", Chat(chat), Json($"malformed {k} unknown kind", raw: false));
        return CorpusBody.Of($"{{\"update_id\":{_nextUpdateId++},\"{Pick(kinds)}\":{message}}}");
    }

    private CorpusBody BadUnicode(int k)
    {
        var chat = Pick(_chats);
        if (_random.Next(2) == 0)
        {
            var escaped = Pick([@"\ud800", @"\udc00", @"\ud83d\u0041", @"\ude00\ud83d", @"\udbff"]);
            var text = _random.Next(2) == 0 ? $"\"malformed {k} {escaped}\"" : $"\"{escaped} malformed {k}\"";
            return CorpusBody.Of(Update(_nextUpdateId++, chat, 1, text));
        }

        // Bytes that are not UTF-8: an overlong slash, bytes UTF-8 never uses, a UTF-16 surrogate in three bytes, a cut sequence.
        byte[][] invalids = [[0xC0, 0xAF], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80]];
        var invalid = Pick(invalids);
        var parts = Update(_nextUpdateId++, chat, 1, $"\"malformed {k} |\"").Split('|');
        return new CorpusBody([.. Encoding.UTF8.GetBytes(parts[0]), .. invalid, .. Encoding.UTF8.GetBytes(parts[1])]);
    }

    private static readonly string[] OddRoots =
    [
        "", " ", "null", "[]", "\"an update\"", "42", "true", "{}", "{\"update_id\":{k}}", "{\"update_id\":{k},\"message\":null}",
        "{\"update_id\":{k},\"message\":{}}", "{\"update_id\":{k}}{\"update_id\":{k}}", "{\"update_id\":{k}} trailing garbage",
        "\uFEFF", "<xml/>", "update_id={k}&message=hello", "{'update_id':{k}}", "{\"update_id\":{k},}", "{\"update_id\":0x10}",
    ];

    private static readonly string[] HostileTexts =
    [
        "\ud800 a lone high surrogate", "a lone low \udc00", "\u202Egnp.exe", "zero\u200Bwidth\u200D", "a NUL \u0000 inside",
        "\u0000\u0001\u0002\u001F control", "\U0001F469\u200D\U0001F469\u200D\U0001F467", "e\u0301\u0301\u0301\u0301\u0301\u0301", "\uFFFE\uFFFF noncharacters",
    ];

    private static string Update(int updateId, long chat, int messageId, string textJson) =>
        $"{{\"update_id\":{updateId},\"message\":{Message(chat, messageId.ToString(CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Chat(chat), textJson)}}}";

    private static string Message(long chat, string messageId, string date, string chatJson, string textJson) =>
        $"{{\"message_id\":{messageId},\"date\":{date},\"chat\":{chatJson},\"from\":{{\"id\":{Math.Abs(chat)},\"is_bot\":false,\"first_name\":\"Tester\"}},\"text\":{textJson}}}";

    private static string Chat(long chat) => $"{{\"id\":{chat},\"type\":\"private\",\"first_name\":\"Tester\"}}";

    /// <summary>
    /// A JSON string literal: every non-ASCII UTF-16 unit escaped (a lone surrogate too, as <c>\udXXX</c>), or
    /// (<paramref name="raw"/>) written as it is, to go out as UTF-8.
    /// </summary>
    private static string Json(string text, bool raw)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                < ' ' => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                > '~' when !raw => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => json.Append(c),
            };
        }

        return json.Append('"').ToString();
    }

    private static string Long(int chars)
    {
        var text = new StringBuilder(chars);
        while (text.Length < chars)
        {
            text.Append("long text ");
        }

        return text.ToString(0, chars);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
