using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Reads a dotenv file: <c>KEY=value</c> lines, <c>#</c> comments, an optional <c>export</c> prefix, values in
/// single quotes (literal) or double quotes (with <c>\n</c>, <c>\"</c> and <c>\\</c> escapes). Malformed lines are
/// problems, reported with their line numbers and without their values.
/// </summary>
public static class EnvFile
{
    public static (IReadOnlyDictionary<string, string> Values, IReadOnlyList<ConfigProblem> Problems) Parse(string text, string source)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<ConfigProblem>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var where = $"{source}:{index + 1}";
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? line[..equals].Trim() : "";
            if (!IsKey(key))
            {
                problems.Add(new ConfigProblem(where, "is not a KEY=value line", "write KEY=value, with an upper-case key, or start the line with #"));
                continue;
            }

            if (!TryReadValue(line[(equals + 1)..].Trim(), out var value))
            {
                problems.Add(new ConfigProblem($"{where} {key}", "has an unterminated quote", "close the quote on the same line"));
                continue;
            }

            // A key left empty and set again further down, as in "cp .env.example .env; echo KEY=value >> .env", is fine.
            if (values.TryGetValue(key, out var earlier) && earlier.Length > 0)
            {
                problems.Add(ConfigProblem.Warning($"{where} {key}", "is set twice in the file; the later line wins", "keep one line per key"));
            }

            values[key] = value;
        }

        return (values, problems);
    }

    private static bool IsKey(string key) =>
        key.Length > 0 && (char.IsAsciiLetterUpper(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    private static bool TryReadValue(string raw, out string value)
    {
        value = raw;
        if (raw.Length == 0)
        {
            return true;
        }

        var quote = raw[0];
        if (quote is not ('"' or '\''))
        {
            // An unquoted value ends at a " #" comment.
            var comment = raw.IndexOf(" #", StringComparison.Ordinal);
            value = comment >= 0 ? raw[..comment].TrimEnd() : raw;
            return true;
        }

        var close = quote == '\'' ? raw.IndexOf('\'', 1) : FindClosingDoubleQuote(raw);
        if (close < 0)
        {
            return false;
        }

        var inner = raw[1..close];
        value = quote == '\'' ? inner : Unescape(inner);
        return true;
    }

    private static int FindClosingDoubleQuote(string raw)
    {
        for (var i = 1; i < raw.Length; i++)
        {
            if (raw[i] == '\\')
            {
                i++;
            }
            else if (raw[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unescape(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                result.Append(text[i] == 'n' ? '\n' : text[i]);
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }
}
