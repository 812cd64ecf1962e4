using System.Collections.Concurrent;
using Orleans.Storage;

namespace OrleansRouter.Tests.Support;

/// <summary>
/// Grain storage that serialises each write as the Redis provider does (with the silo's grain storage serializer)
/// and counts the bytes, per grain: what a write costs the real storage.
/// </summary>
public sealed class CountingStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), BinaryData> _states = new();
    private readonly ConcurrentDictionary<GrainId, long> _bytes = new();
    private IGrainStorageSerializer? _serializer;

    /// <summary>Gives the storage the silo's serializer; the silo's service provider calls it once.</summary>
    public CountingStorage Using(IGrainStorageSerializer serializer)
    {
        _serializer = serializer;
        return this;
    }

    public long BytesWritten(GrainId grain) => _bytes.GetValueOrDefault(grain);

    public void Forget(GrainId grain) => _bytes.TryRemove(grain, out _);

    private IGrainStorageSerializer Serializer => _serializer ?? throw new InvalidOperationException("register the storage with Using(serializer)");

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((stateName, grainId), out var data))
        {
            grainState.State = Serializer.Deserialize<T>(data);
            grainState.RecordExists = true;
            grainState.ETag = "stored";
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = Serializer.Serialize(grainState.State);
        _states[(stateName, grainId)] = data;
        _bytes.AddOrUpdate(grainId, data.ToMemory().Length, (_, total) => total + data.ToMemory().Length);
        grainState.ETag = "stored";
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _states.TryRemove((stateName, grainId), out _);
        return Task.CompletedTask;
    }
}
