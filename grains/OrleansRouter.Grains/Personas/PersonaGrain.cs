using OrleansRouter.Grains.Storage;
using OrleansRouter.Personas;

namespace OrleansRouter.Grains.Personas;

/// <summary>
/// One persona's rate windows. Counting is in memory and answers at once; the counts are written at most once a
/// second, so after a crash up to a second of counted messages may be forgotten: in the user's favour.
/// </summary>
public sealed class PersonaGrain : Grain, IPersonaGrain
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly IPersistentState<PersonaState> _state;
    private readonly GrainDependencies _services;
    private Persona? _persona;
    private SlidingWindow? _window;
    private IGrainTimer? _flush;
    private bool _dirty;

    public PersonaGrain(
        [PersistentState("persona", StorageNames.Personas)] IPersistentState<PersonaState> state,
        GrainDependencies services)
    {
        _state = state;
        _services = services;
    }

    private PersonaState State => _state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _persona = _services.Personas.Find(this.GetPrimaryKeyString());
        if (_persona?.RateWindow is { } window)
        {
            _window = new SlidingWindow(window.Window);

            // The window length changed since the counts were taken: they no longer mean anything.
            if (State.StepTicks != _window.StepTicks)
            {
                State.StepTicks = _window.StepTicks;
                State.Total.Clear();
                State.PerChat.Clear();
            }
        }

        _flush = this.RegisterGrainTimer(FlushAsync, FlushInterval, FlushInterval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        await FlushAsync(cancellationToken);
    }

    Task<RateDecision> IPersonaGrain.TryAcquireAsync(long chatId)
    {
        if (_persona?.RateWindow is not { } limits || _window is null)
        {
            return Task.FromResult(RateDecision.Allow);
        }

        var step = _window.StepOf(_services.Clock.GetUtcNow());
        SlidingWindow.Expire(State.Total, step);
        var chat = CountsOf(chatId);
        SlidingWindow.Expire(chat, step);

        if (limits.MaxPerChat is { } perChat && SlidingWindow.Count(chat) >= perChat)
        {
            return Task.FromResult(RateDecision.Deny(_window.RoomAt(chat, perChat), "chat"));
        }

        if (limits.MaxTotal is { } total && SlidingWindow.Count(State.Total) >= total)
        {
            return Task.FromResult(RateDecision.Deny(_window.RoomAt(State.Total, total), "persona"));
        }

        SlidingWindow.Add(chat, step);
        SlidingWindow.Add(State.Total, step);
        _dirty = true;
        return Task.FromResult(RateDecision.Allow);
    }

    Task<RateUsage> IPersonaGrain.GetState()
    {
        var name = this.GetPrimaryKeyString();
        if (_persona?.RateWindow is not { } limits || _window is null)
        {
            return Task.FromResult(new RateUsage(name, null, 0, null, null, 0));
        }

        var step = _window.StepOf(_services.Clock.GetUtcNow());
        SlidingWindow.Expire(State.Total, step);
        return Task.FromResult(new RateUsage(name, limits.Window, SlidingWindow.Count(State.Total), limits.MaxTotal, limits.MaxPerChat, State.PerChat.Count));
    }

    private List<RateBucket> CountsOf(long chatId)
    {
        if (!State.PerChat.TryGetValue(chatId, out var counts))
        {
            counts = [];
            State.PerChat[chatId] = counts;
        }

        return counts;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty || _window is null)
        {
            return;
        }

        var step = _window.StepOf(_services.Clock.GetUtcNow());
        foreach (var (chatId, counts) in State.PerChat.ToList())
        {
            SlidingWindow.Expire(counts, step);
            if (counts.Count == 0)
            {
                State.PerChat.Remove(chatId);
            }
        }

        _dirty = false;
        try
        {
            await _state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
