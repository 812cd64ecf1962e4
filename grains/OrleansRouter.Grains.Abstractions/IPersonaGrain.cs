using Orleans.CodeGeneration;
using Orleans.Concurrency;

namespace OrleansRouter.Grains;

/// <summary>One persona, keyed by its name: the rate windows its agent is protected by.</summary>
[Version(1)]
[Alias("persona")]
public interface IPersonaGrain : IGrainWithStringKey
{
    /// <summary>Counts one message of the chat against the persona's windows, or says when there will be room.</summary>
    [Alias("try-acquire")]
    Task<RateDecision> TryAcquireAsync(long chatId);

    /// <summary>The windows' counts now; named for the Orleans dashboard's grain state view, which looks for it.</summary>
    [Alias("usage"), ReadOnly, AlwaysInterleave]
    Task<RateUsage> GetState();
}
