using Orleans.Placement;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Grains.Storage;

namespace OrleansRouter.Grains.WarmUp;

/// <summary>
/// Pays a silo's first-use costs before it takes traffic (the storage's first script, the state serializer, the
/// reminder table), with the chat's own state type, so a chat's first message finds them paid. Leaves nothing behind:
/// the state is cleared and the reminder retired.
/// </summary>
[PreferLocalPlacement]
public sealed class WarmUpGrain([PersistentState("warm-up", StorageNames.Chats)] IPersistentState<ChatState> state) : Grain, IWarmUpGrain, IRemindable
{
    private const string Reminder = "warm-up";

    public async Task WarmAsync()
    {
        await state.ReadStateAsync();
        await state.WriteStateAsync();
        await state.ClearStateAsync();

        var reminder = await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        await this.UnregisterReminder(reminder);
        DeactivateOnIdle();
    }

    /// <summary>Only if the silo died between registering and retiring it: retired at its first tick.</summary>
    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
