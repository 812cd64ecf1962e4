using System.Net;

namespace OrleansRouter.Host.Configuration;

/// <param name="AdvertisedAddress">The address other silos reach this one at; null lets Orleans pick this machine's.</param>
/// <param name="ChatReminderPeriod">How often a chat with pending work is woken by its reminder after its silo is gone.</param>
/// <param name="Tls">Mutual TLS on the silo and gateway ports, for the silo and its clients alike; null when <c>ORLEANS_TLS=off</c>.</param>
public sealed record ClusterSettings(
    ClusteringMode Clustering,
    StorageMode Storage,
    string? RedisConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    System.Net.IPAddress? AdvertisedAddress,
    TimeSpan ChatReminderPeriod,
    SiloTlsSettings? Tls = null)
{
    /// <summary>
    /// Whether the silo and gateway ports listen beyond this machine: localhost clustering binds loopback, and so does
    /// a loopback advertised address; any other advertised address listens on every interface, and none at all on
    /// the address Orleans picks for this machine.
    /// </summary>
    public bool ListensOffLoopback => Clustering != ClusteringMode.Localhost && (AdvertisedAddress is null || !IPAddress.IsLoopback(AdvertisedAddress));
}

public enum ClusteringMode
{
    /// <summary>One silo, development clustering on loopback.</summary>
    Localhost,

    /// <summary>Any number of silos on any machines, finding each other through Redis.</summary>
    Redis,
}

public enum StorageMode
{
    Memory,
    Redis,
}
