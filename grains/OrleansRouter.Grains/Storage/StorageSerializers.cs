using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansRouter.Grains.Storage;

public static class StorageSerializers
{
    /// <summary>
    /// Chat state goes through <see cref="PlainJsonStorageSerializer"/>, whatever the provider: Orleans gives a storage
    /// the serializer registered under its name. Persona and cluster state, written seldom, keep Orleans' default.
    /// </summary>
    public static IServiceCollection AddChatStorageSerializer(this IServiceCollection services) =>
        services.AddKeyedSingleton<IGrainStorageSerializer>(
            StorageNames.Chats,
            (provider, _) => new PlainJsonStorageSerializer(provider.GetRequiredService<IGrainStorageSerializer>()));
}
