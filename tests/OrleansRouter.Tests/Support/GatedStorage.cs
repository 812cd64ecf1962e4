using System.Collections.Concurrent;
using Orleans.Storage;

namespace OrleansRouter.Tests.Support;

/// <summary>Grain storage a test can hold (writes wait) or break (writes throw), per grain.</summary>
public sealed class GatedStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), object?> _states = new();
    private int _waiting;
    private int _failuresLeft;

    /// <summary>Writes of grains this holds wait for <see cref="Release"/>.</summary>
    public Func<GrainId, bool> Holds { get; set; } = _ => false;

    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int WritesWaiting => Volatile.Read(ref _waiting);

    public void FailNextWrites(int count) => Volatile.Write(ref _failuresLeft, count);

    public void Release()
    {
        Holds = _ => false;
        Gate.TrySetResult();
        Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((stateName, grainId), out var state) && state is T typed)
        {
            grainState.State = typed;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Holds(grainId))
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await Gate.Task;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new IOException("storage is down (injected)");
        }

        _states[(stateName, grainId)] = grainState.State;
        grainState.ETag = Guid.NewGuid().ToString("N");
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _states.TryRemove((stateName, grainId), out _);
        return Task.CompletedTask;
    }
}
