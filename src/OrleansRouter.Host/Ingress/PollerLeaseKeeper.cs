using Microsoft.Extensions.Logging;
using OrleansRouter.Grains;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Gets this silo the poller lease and keeps it: renewed every quarter of its length, given up when the silo
/// stops. Losing it (another holder, or no renewal before it ran out) cancels <see cref="HeldLease.Lost"/>.
/// </summary>
public sealed class PollerLeaseKeeper
{
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long before its end a lease stops counting as held: room for the clocks of two silos to differ.</summary>
    private static readonly TimeSpan FenceMargin = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory _grains;
    private readonly string _holder;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _clock;
    private readonly ILogger<PollerLeaseKeeper> _logger;

    /// <param name="holder">This silo, as the lease knows it: its address, unique per incarnation.</param>
    public PollerLeaseKeeper(IGrainFactory grains, string holder, TimeSpan duration, TimeProvider clock, ILogger<PollerLeaseKeeper> logger)
    {
        _grains = grains;
        _holder = holder;
        _duration = duration;
        _clock = clock;
        _logger = logger;
    }

    private IPollerLeaseGrain Lease => _grains.GetGrain<IPollerLeaseGrain>(IPollerLeaseGrain.TelegramPoller);

    /// <summary>Waits until this silo holds the lease; null when <paramref name="stopping"/> ends the wait.</summary>
    public async Task<HeldLease?> AcquireAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var (lease, answered) = await TryAcquireAsync();
            if (lease is not null)
            {
                HostLog.LeaseAcquired(_logger, _holder, lease.Token);
                return new HeldLease(this, lease, stopping);
            }

            await (answered ? WaitForTurnAsync(stopping) : PauseAsync(NextInterval(), stopping));
        }

        return null;
    }

    /// <summary>
    /// Until the next attempt, while another silo holds the lease: the lease grain answers the moment the holder
    /// lets go (a rolling restart moves the poller without a pause) or the lease runs out. A grain that cannot be
    /// asked (unreachable, or on a silo of an earlier release, which lacks the call) leaves a plain pause.
    /// </summary>
    private async Task WaitForTurnAsync(CancellationToken stopping)
    {
        var interval = NextInterval();
        var started = _clock.GetTimestamp();
        try
        {
            await Lease.WaitForTurnAsync(interval).WaitAsync(stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await PauseAsync(interval - _clock.GetElapsedTime(started), stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan NextInterval() => AttemptInterval + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 500));

    private async Task PauseAsync(TimeSpan pause, CancellationToken stopping)
    {
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, _clock, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The lease granted or renewed, or null; not answered when the lease grain could not be asked.</summary>
    private async Task<(PollerLease? Lease, bool Answered)> TryAcquireAsync()
    {
        try
        {
            return (await Lease.TryAcquireAsync(_holder, _duration), true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            HostLog.LeaseUnreachable(_logger, e.Message);
            return (null, false);
        }
    }

    /// <summary>The lease while this silo holds it.</summary>
    public sealed class HeldLease : IAsyncDisposable
    {
        private readonly PollerLeaseKeeper _keeper;
        private readonly CancellationToken _stopping;
        private readonly CancellationTokenSource _lost;
        private readonly Task _renewing;
        private PollerLease _lease;

        internal HeldLease(PollerLeaseKeeper keeper, PollerLease lease, CancellationToken stopping)
        {
            _keeper = keeper;
            _lease = lease;
            _stopping = stopping;
            _lost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _renewing = RenewAsync();
        }

        /// <summary>Cancelled when the lease is lost or the silo stops.</summary>
        public CancellationToken Lost => _lost.Token;

        /// <summary>
        /// The fencing check before an offset is confirmed: false once another holder may have taken over. The
        /// lease grain refuses every other silo until the lease runs out, so a lease renewed to end well after now
        /// is still this silo's; no call is needed for that.
        /// </summary>
        public bool IsCurrent =>
            !_lost.IsCancellationRequested && _keeper._clock.GetUtcNow() < _lease.ExpiresAt - FenceMargin;

        public async ValueTask DisposeAsync()
        {
            var lost = _lost.IsCancellationRequested && !_stopping.IsCancellationRequested;
            await _lost.CancelAsync();
            await _renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await _keeper.Lease.ReleaseAsync(_keeper._holder, _lease.Token);
                HostLog.LeaseReleased(_keeper._logger, _keeper._holder, _lease.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // It runs out by itself; the next silo waits a little longer.
                HostLog.LeaseUnreachable(_keeper._logger, e.Message);
            }

            if (lost)
            {
                HostLog.LeaseLost(_keeper._logger, _keeper._holder, _lease.Token);
            }

            _lost.Dispose();
        }

        private async Task RenewAsync()
        {
            while (!_lost.IsCancellationRequested)
            {
                await Task.Delay(_keeper._duration / 4, _keeper._clock, _lost.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (_lost.IsCancellationRequested)
                {
                    return;
                }

                var (renewed, _) = await _keeper.TryAcquireAsync();
                if (renewed is not null && renewed.Token == _lease.Token)
                {
                    _lease = renewed;
                }
                else if (renewed is not null || _keeper._clock.GetUtcNow() >= _lease.ExpiresAt)
                {
                    await _lost.CancelAsync();
                }
            }
        }
    }
}
