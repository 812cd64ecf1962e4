namespace OrleansRouter.Agents;

/// <summary>
/// Failure details come from the far side (an agent's error text, a Bot API description) and
/// end up in logs, health and dead letters, so they are cut to a fixed size where they are made.
/// </summary>
public static class FailureDetail
{
    public const int MaxChars = 256;

    private const string Ellipsis = "…";

    public static string Cap(string? detail)
    {
        if (string.IsNullOrEmpty(detail))
            return "";
        if (detail.Length <= MaxChars)
            return detail;
        var cut = MaxChars - Ellipsis.Length;
        if (char.IsHighSurrogate(detail[cut - 1]))
            cut--;
        return string.Concat(detail.AsSpan(0, cut), Ellipsis);
    }
}
