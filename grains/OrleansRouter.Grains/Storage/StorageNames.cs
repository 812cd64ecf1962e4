namespace OrleansRouter.Grains.Storage;

/// <summary>The grain storage providers the silo must register.</summary>
public static class StorageNames
{
    public const string Chats = "chats";
    public const string Personas = "personas";
}
