namespace OrleansRouter.Grains.Storage;

/// <summary>The grain storage providers the silo must register.</summary>
public static class StorageNames
{
    public const string Chats = "chats";
    public const string Personas = "personas";

    /// <summary>Cluster-wide singletons: the poller lease, the send budget.</summary>
    public const string Cluster = "cluster";
}
