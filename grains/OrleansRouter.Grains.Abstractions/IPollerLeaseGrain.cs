using Orleans.CodeGeneration;
using Orleans.Concurrency;

namespace OrleansRouter.Grains;

/// <summary>
/// Who may poll Telegram: one silo of the cluster at a time. A lease runs out unless renewed, so it moves on when
/// its holder stops or dies; its token grows with every new holder. While a lease runs, every other silo is
/// refused: a holder may confirm offsets only while its own lease, as last granted, has not run out (fencing).
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

    /// <summary>Gives the lease up at once, so the next silo need not wait for it to run out.</summary>
    [Alias("release")]
    Task ReleaseAsync(string holder, long token);

    /// <summary>
    /// Returns once the lease may be free: when its holder gives it up, when it runs out, or after
    /// <paramref name="atMost"/>, whichever comes first; at once when nobody holds it. A silo waiting for the lease
    /// calls it between attempts, so it polls the moment a stopping holder lets go.
    /// </summary>
    [Alias("wait-for-turn"), AlwaysInterleave]
    Task WaitForTurnAsync(TimeSpan atMost);
}

[GenerateSerializer, Immutable, Alias("poller-lease-grant")]
public sealed record PollerLease(
    [property: Id(0)] string Holder,
    [property: Id(1)] long Token,
    [property: Id(2)] DateTimeOffset ExpiresAt);
