using OrleansRouter.Grains;

namespace OrleansRouter.Host.Health;

/// <summary>
/// What <c>/healthz</c> reports, kept up to date by the health monitor and the ingress. The endpoint only reads it:
/// answering a probe never waits on a remote call.
/// </summary>
public sealed class RouterHealth(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private ComponentHealth _telegram = ComponentHealth.Unknown;
    private Dictionary<string, ComponentHealth> _agents = [];
    private IReadOnlyList<RateUsage> _rateWindows = [];
    private string? _lastPollError;
    private int _pollFailuresInARow;
    private ComponentHealth _storage = ComponentHealth.Unknown.After(true, "no write has failed", DateTimeOffset.MinValue);
    private RouterState _state = RouterState.Starting;

    public RouterState State
    {
        get { lock (_gate) { return _state; } }
    }

    /// <summary>The Bot API as the probe and the poller see it: two failed polls in a row (a 409, say) degrade it.</summary>
    public ComponentHealth Telegram
    {
        get { lock (_gate) { return TelegramNow(); } }
    }

    /// <summary>Grain storage as the ingress and the storage probe see it.</summary>
    public ComponentHealth Storage
    {
        get { lock (_gate) { return _storage; } }
    }

    public IReadOnlyDictionary<string, ComponentHealth> Agents
    {
        get { lock (_gate) { return new Dictionary<string, ComponentHealth>(_agents); } }
    }

    public IReadOnlyList<RateUsage> RateWindows
    {
        get { lock (_gate) { return _rateWindows; } }
    }

    public string? LastPollError
    {
        get { lock (_gate) { return _lastPollError; } }
    }

    public TimeSpan Uptime => clock.GetUtcNow() - _startedAt;

    public string AgentsStatus
    {
        get { lock (_gate) { return _agents.Count == 0 ? ComponentHealth.Failed : ComponentHealth.Worst(_agents.Values.Select(a => a.Status)); } }
    }

    /// <summary>Ready for traffic: started, not draining, and Telegram and every agent answer.</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _state == RouterState.Ready && TelegramNow().IsReady && _storage.IsReady && _agents.Count > 0 && _agents.Values.All(a => a.IsReady);
            }
        }
    }

    /// <returns>The new health, and whether its status changed.</returns>
    public (ComponentHealth Health, bool Changed) ReportTelegram(bool passed, string detail)
    {
        lock (_gate)
        {
            var before = _telegram;
            _telegram = before.After(passed, detail, clock.GetUtcNow());
            return (_telegram, before.Status != _telegram.Status || before.CheckedAt is null);
        }
    }

    public (ComponentHealth Health, bool Changed) ReportAgent(string persona, bool passed, string detail)
    {
        lock (_gate)
        {
            var before = _agents.GetValueOrDefault(persona, ComponentHealth.Unknown);
            var after = before.After(passed, detail, clock.GetUtcNow());
            _agents = new Dictionary<string, ComponentHealth>(_agents) { [persona] = after };
            return (after, before.Status != after.Status || before.CheckedAt is null);
        }
    }

    public void ReportRateWindows(IReadOnlyList<RateUsage> usage)
    {
        lock (_gate)
        {
            _rateWindows = usage;
        }
    }

    /// <summary>The ingress reports each poll: null when it went through, else what went wrong.</summary>
    public void ReportPoll(string? error)
    {
        lock (_gate)
        {
            _lastPollError = error;
            _pollFailuresInARow = error is null ? 0 : _pollFailuresInARow + 1;
        }
    }

    /// <summary>Storage reports: null when a write or probe went through, else what went wrong.</summary>
    public (ComponentHealth Health, bool Changed) ReportStorage(string? error)
    {
        lock (_gate)
        {
            var before = _storage;
            _storage = before.After(error is null, error ?? "writes go through", clock.GetUtcNow());
            return (_storage, before.Status != _storage.Status);
        }
    }

    private ComponentHealth TelegramNow() =>
        _pollFailuresInARow >= 2 && _telegram.IsReady
            ? _telegram with { Status = ComponentHealth.Degraded, Detail = $"getUpdates failed {_pollFailuresInARow} times in a row: {_lastPollError}" }
            : _telegram;

    public void MoveTo(RouterState state)
    {
        lock (_gate)
        {
            // Draining is final: a late "ready" must not undo it.
            if (_state != RouterState.Draining)
            {
                _state = state;
            }
        }
    }
}
