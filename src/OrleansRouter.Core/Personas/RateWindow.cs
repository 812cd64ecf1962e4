using System.Globalization;

namespace OrleansRouter.Personas;

/// <summary>How many messages a persona takes per sliding window, per chat and in total. A null maximum means no limit.</summary>
public sealed record RateWindow(TimeSpan Window, int? MaxPerChat, int? MaxTotal)
{
    /// <summary>Reads a window length such as <c>90s</c>, <c>15m</c>, <c>12h</c> or <c>7d</c>.</summary>
    public static bool TryParseWindow(string? text, out TimeSpan window)
    {
        window = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        TimeSpan? parsed = unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
        if (parsed is null || parsed > TimeSpan.FromDays(366))
        {
            return false;
        }

        window = parsed.Value;
        return true;
    }

    public static string FormatWindow(TimeSpan window) => window switch
    {
        { TotalDays: >= 1 } when window.TotalDays % 1 == 0 => $"{window.TotalDays:0}d",
        { TotalHours: >= 1 } when window.TotalHours % 1 == 0 => $"{window.TotalHours:0}h",
        { TotalMinutes: >= 1 } when window.TotalMinutes % 1 == 0 => $"{window.TotalMinutes:0}m",
        _ => $"{window.TotalSeconds:0}s",
    };

    public override string ToString() =>
        $"{FormatWindow(Window)}: {MaxPerChat?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"} per chat, {MaxTotal?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"} in total";
}
