using System.Text.RegularExpressions;
using Serilog.Events;
using Serilog.Formatting;

namespace OrleansRouter.Host.Telemetry;

/// <summary>
/// The last line of defence for secrets and chat ids: blanks every configured secret value, anything shaped like a
/// Bot API token in a URL (Telegram.Bot's request URLs carry the token), and chat grain ids (their key is the chat
/// id, and Orleans names grains in its exceptions), from each formatted log line.
/// </summary>
public sealed partial class RedactingFormatter(ITextFormatter inner, IEnumerable<string> secrets) : ITextFormatter
{
    private const string Redacted = "[redacted]";

    // Short values would blank ordinary words; real secrets are long.
    private readonly string[] _secrets = secrets.Where(s => s.Length >= 8).Distinct().OrderByDescending(s => s.Length).ToArray();

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(Redact(buffer.ToString()));
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        text = BotTokenInUrl().Replace(text, "/bot" + Redacted);
        return ChatGrainId().Replace(text, "chat/" + Redacted);
    }

    [GeneratedRegex(@"/bot\d+:[A-Za-z0-9_-]+")]
    private static partial Regex BotTokenInUrl();

    [GeneratedRegex(@"\bchat/[0-9A-Fa-f+-]+")]
    private static partial Regex ChatGrainId();
}
