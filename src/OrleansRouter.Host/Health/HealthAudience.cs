using System.Net;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Host.Dashboard;

namespace OrleansRouter.Host.Health;

/// <summary>Who asks <c>/healthz</c>, and so which body it gets.</summary>
public enum HealthView
{
    /// <summary>States only: what probes and smoke checks read.</summary>
    Public,

    /// <summary>States and details (probe texts, personas, rate windows, the log drain), all redacted.</summary>
    Detailed,

    /// <summary>Credentials were given and are wrong: 401.</summary>
    Unauthorized,

    /// <summary>Too many wrong credentials from this address: 429.</summary>
    Throttled,
}

/// <summary>
/// Decides who sees the details of <c>/healthz</c>: a request from this machine (the remote address is loopback)
/// that no proxy forwarded, or one with the dashboard's credentials. A request that carries
/// <c>X-Forwarded-For</c>, <c>Forwarded</c> or <c>X-Real-IP</c> came through a proxy on behalf of someone else, so
/// loopback alone does not admit it (and the headers themselves admit nobody). Credentials go through the same
/// <see cref="LoginThrottle"/> as the dashboard's, so <c>/healthz</c> is no way around it.
/// </summary>
public sealed class HealthAudience(OperatorCredentials credentials, LoginThrottle throttle)
{
    private static readonly string[] ProxyHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP"];

    public (HealthView View, TimeSpan? RetryAfter) Decide(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (IsLocal(context))
        {
            return (HealthView.Detailed, null);
        }

        if (!credentials.Configured || !context.Request.Headers.ContainsKey("Authorization"))
        {
            return (HealthView.Public, null);
        }

        if (throttle.Blocked(address) is { } wait)
        {
            return (HealthView.Throttled, wait);
        }

        switch (credentials.Check(context.Request))
        {
            case CredentialCheck.Valid:
                throttle.Succeeded(address);
                return (HealthView.Detailed, null);
            case CredentialCheck.Invalid:
                throttle.Failed(address);
                return (HealthView.Unauthorized, null);
            default:
                return (HealthView.Public, null);
        }
    }

    /// <summary>From this machine, and not forwarded by a proxy on this machine.</summary>
    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
        && !ProxyHeaders.Any(context.Request.Headers.ContainsKey);
}
