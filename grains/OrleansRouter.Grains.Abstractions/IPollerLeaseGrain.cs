using Orleans.CodeGeneration;

namespace OrleansRouter.Grains;

/// <summary>
/// Who may poll Telegram: one silo of the cluster at a time. A lease runs out unless renewed, so it moves on when
/// its holder stops or dies; its token grows with every new holder, and a holder whose token is stale must not
/// confirm another offset (fencing).
/// </summary>
[Version(1)]
[Alias("poller-lease")]
public interface IPollerLeaseGrain : IGrainWithStringKey
{
    /// <summary>The key of the one lease the cluster has.</summary>
    public const string TelegramPoller = "telegram-poller";

    /// <summary>Grants or renews the lease for <paramref name="holder"/>; null while another holder's lease runs.</summary>
    [Alias("acquire")]
    Task<PollerLease?> TryAcquireAsync(string holder, TimeSpan duration);

    /// <summary>Whether <paramref name="holder"/> still holds the lease with <paramref name="token"/>.</summary>
    [Alias("is-current")]
    Task<bool> IsCurrentAsync(string holder, long token);

    /// <summary>Gives the lease up at once, so the next silo need not wait for it to run out.</summary>
    [Alias("release")]
    Task ReleaseAsync(string holder, long token);
}

[GenerateSerializer, Immutable, Alias("poller-lease-grant")]
public sealed record PollerLease(
    [property: Id(0)] string Holder,
    [property: Id(1)] long Token,
    [property: Id(2)] DateTimeOffset ExpiresAt);
