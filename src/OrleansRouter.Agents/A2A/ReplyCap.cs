using System.Globalization;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Caps the reply text shown to the user (<c>A2A_MAX_REPLY_CHARS</c>), notice included: a longer reply is cut and
/// says by how much, so one agent cannot send a chat a thousand messages or make its stored reply huge.
/// </summary>
internal static class ReplyCap
{
    public static string Apply(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var notice = string.Create(CultureInfo.InvariantCulture,
            $"\n\n[reply truncated: the agent sent {text.Length:N0} characters; the limit is {maxChars:N0}]");
        var keep = Math.Max(0, maxChars - notice.Length);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), notice);
    }
}
