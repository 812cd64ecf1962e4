using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansRouter.Tests.Ingress;

/// <summary>
/// Memory grain storage whose writes fail, for the grains a test names, for as long as it names them. It keeps copies,
/// as a real store keeps bytes: what a grain changes in memory after a write, or in a write that failed, is not stored.
/// </summary>
public sealed class FaultyStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, object?> _states = new();

    private DeepCopier _copier = null!;

    public Func<GrainId, bool> Fails { get; set; } = _ => false;

    /// <summary>This storage, copying with the silo's copier; called when the silo resolves it.</summary>
    public FaultyStorage With(DeepCopier copier)
    {
        _copier = copier;
        return this;
    }

    public bool HasState(GrainId grain) => _states.ContainsKey(grain);

    public IReadOnlyCollection<GrainId> Stored => _states.Keys.ToArray();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue(grainId, out var state) && state is T typed)
        {
            grainState.State = _copier.Copy(typed);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Fails(grainId))
        {
            throw new InvalidDataException($"this grain's state cannot be written (injected)");
        }

        _states[grainId] = _copier.Copy(grainState.State);
        grainState.ETag = Guid.NewGuid().ToString("N");
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _states.TryRemove(grainId, out _);
        return Task.CompletedTask;
    }
}
