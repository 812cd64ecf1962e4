using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Dashboard;

/// <summary>What a request's basic-auth header says about the operator's credentials (DASHBOARD_USERNAME/PASSWORD).</summary>
public enum CredentialCheck
{
    /// <summary>No <c>Authorization: Basic</c> header, or no credentials are configured.</summary>
    Absent,
    Valid,
    Invalid,
}

/// <summary>
/// The dashboard's credentials, which also unlock the detailed <c>/healthz</c>. Compared in constant time; the
/// <see cref="LoginThrottle"/> is the caller's to consult.
/// </summary>
public sealed class OperatorCredentials(DashboardCredentials? credentials)
{
    private readonly byte[]? _expected = credentials is null ? null : Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}");

    public bool Configured => _expected is not null;

    public CredentialCheck Check(HttpRequest request)
    {
        if (_expected is null || !AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return CredentialCheck.Absent;
        }

        Span<byte> given = stackalloc byte[512];
        return header.Parameter is not null && Convert.TryFromBase64String(header.Parameter, given, out var length)
            && CryptographicOperations.FixedTimeEquals(given[..length], _expected)
            ? CredentialCheck.Valid
            : CredentialCheck.Invalid;
    }

    /// <summary>The 401 that asks for the credentials.</summary>
    public static void Challenge(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = "Basic realm=\"orleans-router dashboard\", charset=\"UTF-8\"";
    }

    /// <summary>The 429 of an address shut out by the <see cref="LoginThrottle"/>.</summary>
    public static void TooManyAttempts(HttpResponse response, TimeSpan wait)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
