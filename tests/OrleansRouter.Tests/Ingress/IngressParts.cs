using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Privacy;
using OrleansRouter.Queues;
using OrleansRouter.Telemetry;
using OrleansRouter.Testing;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace OrleansRouter.Tests.Ingress;

/// <summary>A storage probe a test sets: healthy unless told otherwise.</summary>
public sealed class SettableProbe : IStorageProbe
{
    private volatile bool _healthy = true;

    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    /// <summary>Runs as the probe is asked, before it answers: a test's way to change the world at that moment.</summary>
    public Action? WhenProbed { get; set; }

    public Task<(bool Healthy, string Detail)> ProbeAsync(CancellationToken cancellationToken)
    {
        WhenProbed?.Invoke();
        return Task.FromResult((Healthy, Healthy ? "answers (test)" : "does not answer (test)"));
    }
}

/// <summary>The ingress's parts, wired as the host wires them, over a test cluster's grains.</summary>
public sealed class IngressParts : IDisposable
{
    public static readonly ChatIdHasher Hasher = new("test-salt");

    private static int _nextUpdate = 700_000;

    /// <summary>A text message from a user into <paramref name="chatId"/>, as getUpdates hands it over, with a fresh update id.</summary>
    public static Update TextUpdate(long chatId, string text) =>
        JsonSerializer.Deserialize<Update>(BotApiEmulator.Update(Interlocked.Increment(ref _nextUpdate), chatId, 3, text).ToJsonString(), JsonBotAPI.Options)!;

    public IngressParts(IGrainFactory grains, IngressOptions? options = null, IReadOnlySet<long>? allowed = null, TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        Options = options ?? new IngressOptions();
        Metrics = new RouterMetrics(new QueueGauge(), Clock);
        Health = new RouterHealth(Clock);
        Strangers = new StrangerGate(new QueueOptions { AllowedChatIds = allowed }, Options, Clock, Metrics, Hasher, NullLogger<StrangerGate>.Instance);
        Quarantine = new UpdateQuarantine(grains, Probe, Options, Hasher, Metrics, Clock, NullLogger<UpdateQuarantine>.Instance);
        Acceptor = new UpdateAcceptor(grains, Hasher, Health, Clock, Strangers, Quarantine, NullLogger<UpdateAcceptor>.Instance);
    }

    public TimeProvider Clock { get; }

    public IngressOptions Options { get; }

    public RouterMetrics Metrics { get; }

    public RouterHealth Health { get; }

    public SettableProbe Probe { get; } = new();

    public StrangerGate Strangers { get; }

    public UpdateQuarantine Quarantine { get; }

    public UpdateAcceptor Acceptor { get; }

    public void Dispose() => Metrics.Dispose();
}
