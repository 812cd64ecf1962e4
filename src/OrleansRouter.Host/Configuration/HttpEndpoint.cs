using System.Net;

namespace OrleansRouter.Host.Configuration;

/// <summary>Where a listener binds: <c>host:port</c>, or <c>:port</c> for every interface.</summary>
public sealed record HttpEndpoint(IPAddress Address, int Port)
{
    /// <summary>The URL this process uses to reach its own listener.</summary>
    public Uri SelfUrl => new($"http://{(Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : Format(Address))}:{Port}");

    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public override string ToString() => $"{Format(Address)}:{Port}";

    public static bool TryParse(string text, out HttpEndpoint? endpoint)
    {
        endpoint = null;
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        var address = host switch
        {
            "" or "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (address is null)
        {
            return false;
        }

        endpoint = new HttpEndpoint(address, port);
        return true;
    }

    private static string Format(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
