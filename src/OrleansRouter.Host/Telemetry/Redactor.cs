using System.Text.RegularExpressions;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// The last line of defence for secrets and chat ids, for everything the router writes out (log lines, log events
/// sent over OTLP, spans, <c>/healthz</c>): blanks every configured secret value whatever its length, anything shaped
/// like a Bot API token in a URL (Telegram.Bot's request URLs carry the token), chat grain ids (their key is the chat
/// id, and Orleans names grains in its exceptions) and a number named as a chat id (<c>chat 42</c>,
/// <c>chat_id=42</c>, <c>"chat_id":42</c>).
/// </summary>
public sealed partial class Redactor
{
    public const string Redacted = "[redacted]";

    /// <summary>
    /// From this length a secret is blanked wherever it occurs. A shorter one would blank pieces of ordinary words
    /// (a one-character secret, every such letter), so it is blanked where it stands as a whole token: not inside a
    /// longer run of letters and digits.
    /// </summary>
    public const int AnywhereFromLength = 8;

    private readonly Regex? _secrets;

    public Redactor(IEnumerable<string> secrets)
    {
        // Each secret also as a JSON string and a URL carry it, so that an escaped copy is blanked too.
        var forms = secrets
            .Where(s => s.Length > 0)
            .SelectMany(s => new[] { s, s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal), Uri.EscapeDataString(s) })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .Select(s => s.Length >= AnywhereFromLength ? Regex.Escape(s) : $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(s)}(?![\p{{L}}\p{{N}}])")
            .ToList();
        _secrets = forms.Count == 0 ? null : new Regex(string.Join('|', forms), RegexOptions.CultureInvariant);
    }

    /// <returns>The text with everything secret blanked out; the same instance when there was nothing to blank.</returns>
    public string Redact(string text)
    {
        var result = _secrets?.Replace(text, Redacted) ?? text;
        result = BotTokenInUrl().Replace(result, "/bot" + Redacted);
        result = ChatGrainId().Replace(result, "chat/" + Redacted);
        result = NamedChatId().Replace(result, "${name}" + Redacted);
        return result == text ? text : result;
    }

    /// <summary>Null stays null; anything else through <see cref="Redact(string)"/>.</summary>
    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    [GeneratedRegex(@"/bot\d+:[A-Za-z0-9_-]+")]
    private static partial Regex BotTokenInUrl();

    [GeneratedRegex(@"\bchat/[0-9A-Fa-f+-]+")]
    private static partial Regex ChatGrainId();

    // "chat 42", "chat_id=42", "\"chat_id\":-10042", "migrate_to_chat_id: 42"; not a chat_id_hash, which is hex.
    [GeneratedRegex(@"(?<name>(?<![A-Za-z])[Cc]hat(?:[ _.-]?[Ii][Dd])?\\?""?\s*[:=#]?\s*)-?\d{4,}\b")]
    private static partial Regex NamedChatId();
}
