using Orleans.CodeGeneration;

namespace OrleansRouter.Grains;

/// <summary>
/// Takes a starting silo once through what a chat's first message uses: a chat state written, read and cleared in
/// the chats storage, and a reminder registered and retired. Keyed by the silo, and placed on it.
/// </summary>
[Version(1)]
[Alias("warm-up")]
public interface IWarmUpGrain : IGrainWithStringKey
{
    [Alias("warm")]
    Task WarmAsync();
}
