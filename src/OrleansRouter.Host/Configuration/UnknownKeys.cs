namespace OrleansRouter.Host.Configuration;

/// <summary>
/// A key in an env file that the router does not read is a warning, with the catalog's closest name when it is
/// near enough to be a typo. The process environment is not checked: it holds everything else the machine sets.
/// </summary>
public static class UnknownKeys
{
    /// <summary>The largest edit distance that still reads as a typo of a catalog name.</summary>
    private const int TypoDistance = 3;

    /// <param name="agentTokenKeys">The keys the persona map's <c>token_env</c> name: read, though not by name.</param>
    public static void Warn(ConfigValues values, IReadOnlyList<string> agentTokenKeys)
    {
        foreach (var key in values.Layers.FileKeys.Where(k => ConfigKeys.Find(k) is null && !agentTokenKeys.Contains(k)))
        {
            var closest = ConfigKeys.All.Where(k => !k.IsFamily).MinBy(k => Distance(k.Name, key));
            var hint = closest is not null && Distance(closest.Name, key) <= TypoDistance ? $"did you mean {closest.Name}?" : "remove it, or check .env.example for the key names";
            values.Warn(key, "is not a key the router reads", hint);
        }
    }

    /// <summary>The Levenshtein distance: the fewest insertions, deletions and substitutions from one to the other.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
