using System.Text.RegularExpressions;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// The last line of defence for secrets and chat ids, for everything the router writes out (log lines, log events
/// sent over OTLP, spans): blanks every configured secret value, anything shaped like a Bot API token in a URL
/// (Telegram.Bot's request URLs carry the token), and chat grain ids (their key is the chat id, and Orleans names
/// grains in its exceptions).
/// </summary>
public sealed partial class Redactor(IEnumerable<string> secrets)
{
    public const string Redacted = "[redacted]";

    // Short values would blank ordinary words; real secrets are long.
    private readonly string[] _secrets = secrets.Where(s => s.Length >= 8).Distinct().OrderByDescending(s => s.Length).ToArray();

    /// <returns>The text with everything secret blanked out; the same instance when there was nothing to blank.</returns>
    public string Redact(string text)
    {
        var result = text;
        foreach (var secret in _secrets)
        {
            result = result.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        result = BotTokenInUrl().Replace(result, "/bot" + Redacted);
        result = ChatGrainId().Replace(result, "chat/" + Redacted);
        return result == text ? text : result;
    }

    [GeneratedRegex(@"/bot\d+:[A-Za-z0-9_-]+")]
    private static partial Regex BotTokenInUrl();

    [GeneratedRegex(@"\bchat/[0-9A-Fa-f+-]+")]
    private static partial Regex ChatGrainId();
}
