using System.Net;
using OrleansRouter.Configuration;
using StackExchange.Redis;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The shape of <c>REDIS_CONNECTION_STRING</c>, checked before anything connects. It is a StackExchange.Redis
/// connection string: Redis servers (<c>redis.internal:6379,password=…</c>), or, with <c>serviceName=</c>,
/// the Sentinels that know which server is the primary of that service
/// (<c>sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=router,password=…</c>).
/// No problem quotes the string: it holds the password.
/// </summary>
public static class RedisConnectionString
{
    public const string Example = "e.g. redis.internal:6379,password=... or, through Sentinels, sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=router,password=...";

    private const int RedisPort = 6379;
    private const int SentinelPort = 26379;

    /// <summary>Options written without their <c>=</c> read as host names; these are the likely ones.</summary>
    private static readonly HashSet<string> OptionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "user", "serviceName", "ssl", "abortConnect", "allowAdmin", "connectTimeout", "syncTimeout", "asyncTimeout", "name", "defaultDatabase",
    };

    public static IReadOnlyList<ConfigProblem> Check(string key, string value)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(value);
        }
        catch (ArgumentException e)
        {
            // The parameter is the option's name ('passwrd', 'connectTimeout'); the message may quote its value.
            return [new ConfigProblem(key, $"is not a StackExchange.Redis connection string: the option '{e.ParamName}' is unknown or has a value it cannot take", Example)];
        }

        var endpoints = options.EndPoints.ToList();
        var sentinel = options.ServiceName is { Length: > 0 };
        var problems = new List<ConfigProblem>();
        foreach (var option in endpoints.Select(Host).Where(OptionNames.Contains))
        {
            problems.Add(new ConfigProblem(key, $"has '{option}' without '=': it reads as the name of a server", $"write {option}=..., {Example}"));
        }

        if (endpoints.Count == 0)
        {
            problems.Add(new ConfigProblem(key, sentinel ? $"names the Sentinel service '{options.ServiceName}' but no Sentinel to ask for it" : "names no Redis server", Example));
        }
        else if (sentinel && endpoints.Count == 1)
        {
            problems.Add(ConfigProblem.Warning(key, "names a single Sentinel: while it is down, a silo that starts cannot find the primary",
                "list every Sentinel (three or more, on separate machines), e.g. sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=router"));
        }

        if (sentinel && endpoints.Any(e => Port(e) == RedisPort))
        {
            problems.Add(ConfigProblem.Warning(key, $"has serviceName= and an endpoint on Redis's port {RedisPort}: with serviceName= every endpoint is a Sentinel",
                $"name the Sentinels (port {SentinelPort} by default), not the Redis servers"));
        }
        else if (!sentinel && endpoints.Any(e => Port(e) == SentinelPort))
        {
            problems.Add(ConfigProblem.Warning(key, $"has an endpoint on Sentinel's port {SentinelPort} but no serviceName=: it is used as a Redis server",
                "add serviceName=<the name the Sentinels monitor the primary by>"));
        }

        return problems;
    }

    public static string? Password(string value) => ConfigurationOptions.Parse(value).Password is { Length: > 0 } password ? password : null;

    private static string Host(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        _ => endpoint.ToString() ?? "",
    };

    private static int Port(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => dns.Port,
        IPEndPoint ip => ip.Port,
        _ => 0,
    };
}
