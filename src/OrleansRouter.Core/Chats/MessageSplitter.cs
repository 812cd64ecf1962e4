using System.Globalization;

namespace OrleansRouter.Chats;

/// <summary>
/// Cuts a reply into parts Telegram accepts. Parts are cut at a paragraph break if one is near the limit, else at a
/// line break, else after a space, else between two text elements, so no surrogate pair or combining sequence is torn.
/// Joining the parts gives back the text exactly.
/// </summary>
public static class MessageSplitter
{
    /// <summary>Telegram's limit for one message, in UTF-16 code units.</summary>
    public const int MaxLength = 4096;

    /// <summary>A separator further back than this share of the limit makes for parts too small; then we cut lower down.</summary>
    private const int MinUsefulLength = MaxLength / 2;

    public static IReadOnlyList<string> Split(string text, int maxLength = MaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var parts = new List<string>();
        var rest = text.AsSpan();
        while (rest.Length > maxLength)
        {
            var cut = FindCut(rest, maxLength);
            parts.Add(rest[..cut].ToString());
            rest = rest[cut..];
        }

        if (rest.Length > 0 || parts.Count == 0)
        {
            parts.Add(rest.ToString());
        }

        return parts;
    }

    private static int FindCut(ReadOnlySpan<char> text, int maxLength)
    {
        var window = text[..maxLength];
        var minUseful = Math.Min(MinUsefulLength, maxLength / 2);
        foreach (var separator in (ReadOnlySpan<string>)["\n\n", "\n", " "])
        {
            var at = window.LastIndexOf(separator.AsSpan());
            if (at >= 0 && at + separator.Length >= minUseful)
            {
                return at + separator.Length;
            }
        }

        return LastTextElementBoundary(text, maxLength);
    }

    /// <summary>The largest cut at or below <paramref name="maxLength"/> that falls between two text elements.</summary>
    private static int LastTextElementBoundary(ReadOnlySpan<char> text, int maxLength)
    {
        var boundary = 0;
        var position = 0;
        while (position < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text[position..]);
            if (position + length > maxLength)
            {
                break;
            }

            position += length;
            boundary = position;
        }

        // A single text element longer than the limit (absurd, but possible) is cut at a code point boundary.
        if (boundary == 0)
        {
            boundary = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        }

        return boundary;
    }
}
