using System.Globalization;
using OrleansRouter.Personas;
using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The typed values of the keys, as every section reader reads them: each parser takes its range or its choices from
/// the catalog (<see cref="ConfigKeys.All"/>), reports what is wrong with a hint, and returns null (or
/// <c>Failed</c>) so that the reading goes on and every problem is found at once.
/// </summary>
public sealed class ConfigValues(ConfigLayers layers, List<ConfigProblem> problems, DateTimeOffset now)
{
    public ConfigLayers Layers => layers;

    /// <summary>Today, for certificates' dates and the rotation policy.</summary>
    public DateTimeOffset Now => now;

    public RouterEnvironment? Environment => layers.Environment;

    public bool IsLocal => layers.Environment == RouterEnvironment.Local;

    /// <summary>The value, with defaults, as text.</summary>
    public string? this[string key] => layers[key];

    /// <summary>Whether the key is set to <c>off</c>, which some endpoints and durations take.</summary>
    public bool IsOff(string key) => string.Equals(layers[key], "off", StringComparison.OrdinalIgnoreCase);

    public void Report(string key, string problem, string hint) => problems.Add(new ConfigProblem(key, problem, hint));

    public void Warn(string key, string problem, string hint) => problems.Add(ConfigProblem.Warning(key, problem, hint));

    /// <summary>An error in staging and production, a warning in local.</summary>
    public void ReportOutsideLocal(string key, string problem, string hint) =>
        problems.Add(IsLocal ? ConfigProblem.Warning(key, problem, hint) : new ConfigProblem(key, problem, hint));

    /// <summary>How many errors have been found so far: a reader that counts before and after knows whether its part failed.</summary>
    public int Errors => problems.Count(p => p.Severity == ProblemSeverity.Error);

    public void AddRange(IEnumerable<ConfigProblem> found) => problems.AddRange(found);

    /// <summary>One of the key's choices, in lower case.</summary>
    public string? Choice(string key)
    {
        var choices = ConfigKeys.Get(key).Choices ?? throw Missing(key, "choices");
        var value = layers[key];
        if (value is null)
        {
            Report(key, "is not set", $"set it to one of: {string.Join(", ", choices)}");
            return null;
        }

        if (choices.Contains(value.ToLowerInvariant()))
        {
            return value.ToLowerInvariant();
        }

        Report(key, $"'{value}' is not one of: {string.Join(", ", choices)}", "choose one of the listed values");
        return null;
    }

    /// <summary>One of the key's choices, as the member of <typeparamref name="T"/> of that name.</summary>
    public T? Choice<T>(string key)
        where T : struct, Enum =>
        Choice(key) is { } word ? Enum.Parse<T>(word.Replace("/", "", StringComparison.Ordinal), ignoreCase: true) : null;

    public int? WholeNumber(string key)
    {
        var range = ConfigKeys.Get(key).Range ?? throw Missing(key, "range");
        var (min, max) = ((int)range.Min, (int)range.Max);
        var value = layers[key];
        if (value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not a whole number from {min} to {max}", $"set a number from {min} to {max}");
        return null;
    }

    public TimeSpan? Seconds(string key) => WholeNumber(key) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public double? Number(string key)
    {
        var (min, max) = ConfigKeys.Get(key).Range ?? throw Missing(key, "range");
        var value = layers[key];
        if (value is not null && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not a number from {min} to {max}", $"set a number from {min} to {max}");
        return null;
    }

    public bool? Boolean(string key)
    {
        var value = layers[key];
        switch (value?.ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                return true;
            case "false" or "0" or "no":
                return false;
            default:
                Report(key, value is null ? "is not set" : $"'{value}' is not true or false", "set true or false");
                return null;
        }
    }

    public Uri? HttpUrl(string key)
    {
        var value = layers[key];
        if (value is not null && Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not an http(s) URL", "e.g. https://api.telegram.org");
        return null;
    }

    public HttpEndpoint? Endpoint(string key)
    {
        var value = layers[key];
        if (value is not null && HttpEndpoint.TryParse(value, out var endpoint))
        {
            return endpoint;
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not host:port", "e.g. 127.0.0.1:8080, or :8080 for every interface");
        return null;
    }

    /// <summary>An optional IP address: unset is no address, and no problem.</summary>
    public (System.Net.IPAddress? Value, bool Failed) Address(string key)
    {
        var value = layers[key];
        if (value is null)
        {
            return (null, false);
        }

        if (System.Net.IPAddress.TryParse(value, out var address))
        {
            return (address, false);
        }

        Report(key, $"'{value}' is not an IP address", "give the address other silos reach this one at, e.g. 10.0.0.12");
        return (null, true);
    }

    /// <summary>An optional list of chat ids: unset is no list, and no problem.</summary>
    public (IReadOnlySet<long>? Ids, bool Failed) ChatIds(string key)
    {
        var value = layers[key];
        if (value is null)
        {
            return (null, false);
        }

        var ids = new HashSet<long>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) || id == 0)
            {
                Report(key, $"'{part}' is not a chat id", "list numeric chat ids separated by commas, e.g. 12345,-1001234567890");
                return (null, true);
            }

            ids.Add(id);
        }

        return (ids, false);
    }

    /// <summary>
    /// A duration such as <c>30d</c> (s, m, h or d), or <c>off</c> for none. Whether it is long enough is the section's
    /// rule; <paramref name="minimum"/> is only named in the hint.
    /// </summary>
    public (TimeSpan? Value, bool Failed) DurationOrOff(string key, TimeSpan minimum, string offMeans)
    {
        if (IsOff(key))
        {
            return (null, false);
        }

        var value = layers[key];
        if (RateWindow.TryParseWindow(value, out var duration))
        {
            return (duration, false);
        }

        Report(key, value is null ? "is not set" : $"'{value}' is not a duration such as 30d, or off",
            $"give a duration from {RateWindow.FormatWindow(minimum)} to 366d (s, m, h or d), or off {offMeans}");
        return (null, true);
    }

    /// <summary>A parser asked of a key the catalog gives no range or choices: a defect of the code, not of the configuration.</summary>
    private static InvalidOperationException Missing(string key, string what) => new($"{key} has no {what} in ConfigKeys.All");
}
