using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Tests.Support;

namespace OrleansRouter.Tests.Grains;

public sealed class WarmUpGrainTests(ChatCluster cluster) : IClassFixture<ChatCluster>
{
    [Fact]
    public async Task The_warm_up_leaves_no_state_and_no_reminder_behind()
    {
        var key = $"silo-{Guid.NewGuid():N}";
        await cluster.Grains.GetGrain<IWarmUpGrain>(key).WarmAsync();
        await cluster.Grains.GetGrain<IWarmUpGrain>(key).WarmAsync();

        var services = cluster.Cluster.Silos[0].ServiceProvider;
        var grain = cluster.Grains.GetGrain<IWarmUpGrain>(key).GetGrainId();
        var stored = new GrainState<ChatState>();
        await services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Chats).ReadStateAsync("warm-up", grain, stored);
        Assert.False(stored.RecordExists);
        var reminders = await services.GetRequiredService<IReminderTable>().ReadRows(grain);
        Assert.Empty(reminders.Reminders);
    }
}
