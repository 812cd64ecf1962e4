using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRouter.Media;
using OrleansRouter.Personas;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// An A2A client written from the specification. It finds the agent's JSON-RPC endpoint in its card, calls in the
/// dialect the card names (v1.0 <c>SendMessage</c> or v0.3 <c>message/send</c>), and falls back to the other dialect
/// once when the agent does not know the method or version. A blocking send waits for the answer, polling a task
/// the agent left in progress; where the card says <c>capabilities.streaming</c>, a stream
/// (<c>SendStreamingMessage</c> / <c>message/stream</c>) gives the answer as it grows, and a task is followed again
/// with <c>SubscribeToTask</c> / <c>tasks/resubscribe</c>, or by polling where the agent cannot. Every failure
/// comes back as a classified <see cref="AgentFailure"/>.
/// Against a hostile agent: the credential goes only where <see cref="CredentialScope"/> allows, redirects are
/// refused, every body is read up to <see cref="A2AClientOptions.MaxResponseBytes"/> (a stream up to
/// <see cref="A2AClientOptions.MaxStreamBytes"/>) within its deadline, and the reply is capped at
/// <see cref="A2AClientOptions.MaxReplyChars"/>.
/// </summary>
public sealed class A2AClient : IAgentClient
{
    public const string HttpClientName = "a2a";

    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<Uri, A2ADialect> _learnedDialects = new();
    private readonly A2AClientOptions _options;
    private readonly TimeProvider _clock;
    private readonly AgentCards _cards;
    private readonly JsonRpcChannel _rpc;

    public A2AClient(IHttpClientFactory httpClients, A2AClientOptions options, TimeProvider clock, ILogger<A2AClient>? logger = null)
    {
        _options = options;
        _clock = clock;
        _cards = new AgentCards(httpClients, options, clock, logger ?? (ILogger)NullLogger.Instance);
        _rpc = new JsonRpcChannel(httpClients, options);
    }

    public Task<AgentOutcome> SendAsync(AgentRequest request, CancellationToken cancellationToken) =>
        WithCardAsync(request.Persona, async (card, deadline) =>
        {
            var (response, dialect) = await CallInDialectsAsync(request.Persona, card, d => Methods.Send(d, request), deadline);
            var outcome = ToOutcome(response);
            var delay = _options.FirstPollDelay;
            while (outcome is TaskInProgress pending)
            {
                await Task.Delay(delay, _clock, deadline);
                delay = delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
                outcome = ToOutcome(await _rpc.CallAsync(request.Persona, card.Endpoint, dialect, Methods.Get(dialect), Methods.TaskParams(pending.TaskId), deadline));
            }

            return outcome;
        }, cancellationToken);

    public async IAsyncEnumerable<AgentStreamEvent> StreamAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var opened = await OpenStreamAsync(request.Persona,
            (card, dialect) => Methods.Stream(dialect, request, card.PushNotifications ? request.Push : null), cancellationToken);
        if (opened.Events is { } events)
        {
            await foreach (var streamEvent in A2AEventStream.ReadAsync(events, _options, cancellationToken))
            {
                yield return Capped(streamEvent);
            }

            yield break;
        }

        yield return opened switch
        {
            // The card said it streams, but the agent does not after all, or not in either dialect: ask it plainly.
            { Card: null } => new AgentStreamEvent.Finished(opened.Failure!),
            { Card.Streaming: false } => new AgentStreamEvent.Finished(await SendAsync(request, cancellationToken)),
            { Answer: JsonRpcResponse.Error { Code: var code } } when JsonRpcErrorCodes.DoesNotStream(code) =>
                new AgentStreamEvent.Finished(await SendAsync(request, cancellationToken)),
            _ => Capped(FromAnswer(opened.Answer!)),
        };
    }

    public async IAsyncEnumerable<AgentStreamEvent> ResumeAsync(AgentTask task, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var opened = await OpenStreamAsync(task.Persona, (_, dialect) => Methods.Subscribe(dialect, task.TaskId), cancellationToken);
        if (opened.Events is { } events)
        {
            // Only a stream that starts with a snapshot (v1.0 asks for one; v0.3 leaves it to the server) holds what
            // came before the cut: any other is closed, and the task followed by polling instead.
            var first = true;
            await foreach (var streamEvent in A2AEventStream.ReadAsync(events, _options, cancellationToken))
            {
                if (first && streamEvent is not AgentStreamEvent.Snapshot and not AgentStreamEvent.Finished)
                {
                    break;
                }

                first = false;
                yield return Capped(streamEvent);
            }

            if (!first)
            {
                yield break;
            }
        }

        if (opened.Card is null)
        {
            yield return new AgentStreamEvent.Finished(opened.Failure!);
            yield break;
        }

        // A task that is over cannot be subscribed to, nor one at an agent that does not stream: its state is asked
        // for. Any other answer in one piece is a snapshot to go on from, or a failure that ends it.
        var refused = opened.Answer is JsonRpcResponse.Error { Code: var code } && JsonRpcErrorCodes.CannotSubscribe(code);
        if (opened.Answer is not null && !refused)
        {
            var answered = Capped(FromAnswer(opened.Answer));
            yield return answered;
            if (answered is AgentStreamEvent.Finished || (answered is AgentStreamEvent.Snapshot { State: var state } && state.ReplyKind() is not null))
            {
                yield break;
            }
        }

        await foreach (var polled in PollAsync(task, opened.Card, cancellationToken))
        {
            yield return Capped(polled);
        }
    }

    public async Task<AgentStreamEvent> PeekAsync(AgentTask task, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            var (card, failure) = await _cards.GetCallableAsync(task.Persona, deadline.Token);
            return card is null ? new AgentStreamEvent.Finished(failure!) : Capped(await GetTaskAsync(task, card, TimeSpan.Zero, cancellationToken));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AgentStreamEvent.Finished(TimedOut());
        }
    }

    public Task<AgentOutcome> CancelAsync(AgentTask task, CancellationToken cancellationToken) =>
        WithCardAsync(task.Persona, async (card, deadline) =>
            ToOutcome((await CallInDialectsAsync(task.Persona, card, d => (Methods.Cancel(d), Methods.TaskParams(task.TaskId)), deadline)).Response),
            cancellationToken);

    public async Task<bool> PushesAsync(Persona persona, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            return (await _cards.GetCallableAsync(persona, deadline.Token)).Card is { PushNotifications: true };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task<MediaModes?> InputModesAsync(Persona persona, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            return (await _cards.GetCallableAsync(persona, deadline.Token)).Card?.InputModes;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<AgentProbe> ProbeAsync(Persona persona, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout < TimeSpan.FromSeconds(10) ? _options.Timeout : TimeSpan.FromSeconds(10));
        try
        {
            var (card, failure) = await _cards.FetchAsync(persona, deadline.Token);
            if (card is null)
            {
                return new AgentProbe(false, $"{failure!.Code}: {failure.Detail}");
            }

            if (_cards.CheckEndpoint(persona, card) is { } refused)
            {
                return new AgentProbe(false, refused.Detail);
            }

            var elsewhere = CredentialScope.SameOrigin(persona.AgentUrl, card.Endpoint)
                ? ""
                : $"; card points to another origin ({CredentialScope.Origin(card.Endpoint)}): followed without credentials";
            var streams = card.Streaming ? ", streams" : "";
            var pushes = card.PushNotifications ? ", push notifications" : "";
            return new AgentProbe(true, $"{card.Name} at {card.Endpoint} ({(card.Dialect == A2ADialect.V1 ? "v1.0" : "v0.3")}{streams}{pushes}){elsewhere}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AgentProbe(false, "timeout: the agent card did not arrive in time");
        }
    }

    /// <summary>
    /// Finds the persona's card and makes <paramref name="call"/> with it, the two within one
    /// <see cref="A2AClientOptions.Timeout"/>; the reply it comes back with is capped.
    /// </summary>
    private async Task<AgentOutcome> WithCardAsync(Persona persona, Func<AgentCard, CancellationToken, Task<AgentOutcome>> call, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            var (card, failure) = await _cards.GetCallableAsync(persona, deadline.Token);
            return card is null ? failure! : Capped(await call(card, deadline.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TimedOut();
        }
    }

    /// <summary>
    /// Finds the card and, when it says the agent streams, posts a streaming method, in the other dialect too when
    /// the first is not understood; all within one <see cref="A2AClientOptions.Timeout"/>. The events then have their
    /// own deadline, between one event and the next.
    /// </summary>
    private async Task<Opened> OpenStreamAsync(Persona persona, Func<AgentCard, A2ADialect, (string Method, JsonObject Params)> call, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            var (card, failure) = await _cards.GetCallableAsync(persona, deadline.Token);
            if (card is null || !card.Streaming)
            {
                return new Opened(card, null, null, failure);
            }

            var dialect = DialectOf(card);
            var (method, parameters) = call(card, dialect);
            var (events, answer) = await _rpc.OpenStreamAsync(persona, card.Endpoint, dialect, method, parameters, deadline.Token);
            if (answer is JsonRpcResponse.Error { Code: var code } && JsonRpcErrorCodes.AsksForOtherDialect(code))
            {
                var other = Other(dialect);
                (method, parameters) = call(card, other);
                (events, answer) = await _rpc.OpenStreamAsync(persona, card.Endpoint, other, method, parameters, deadline.Token);
                Learn(card, other, answer);
            }

            return new Opened(card, events, answer, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Opened(null, null, null, TimedOut());
        }
    }

    /// <summary>
    /// Follows a task by asking for it: a snapshot each time, until it is in a final or waiting state, the agent
    /// fails, or the task has not changed for <see cref="A2AClientOptions.Timeout"/>.
    /// </summary>
    private async IAsyncEnumerable<AgentStreamEvent> PollAsync(AgentTask task, AgentCard card, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        var unchangedSince = _clock.GetUtcNow();
        string? last = null;
        while (true)
        {
            var polled = await GetTaskAsync(task, card, delay, cancellationToken);
            if (polled is AgentStreamEvent.Snapshot snapshot)
            {
                var now = _clock.GetUtcNow();
                var seen = SnapshotKey(snapshot);
                if (seen != last)
                {
                    (last, unchangedSince) = (seen, now);
                    yield return snapshot;
                }

                if (snapshot.State.ReplyKind() is not null)
                {
                    yield break;
                }

                if (now - unchangedSince >= _options.Timeout)
                {
                    polled = new AgentStreamEvent.Finished(TimedOut());
                }
            }

            if (polled is AgentStreamEvent.Finished)
            {
                yield return polled;
                yield break;
            }

            delay = delay == TimeSpan.Zero ? _options.FirstPollDelay : delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
        }
    }

    private async Task<AgentStreamEvent> GetTaskAsync(AgentTask task, AgentCard card, TimeSpan after, CancellationToken cancellationToken)
    {
        if (after > TimeSpan.Zero)
        {
            await Task.Delay(after, _clock, cancellationToken);
        }

        using var deadline = Deadline(cancellationToken);
        try
        {
            var (response, _) = await CallInDialectsAsync(task.Persona, card, d => (Methods.Get(d), Methods.TaskParams(task.TaskId)), deadline.Token);
            return FromAnswer(response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AgentStreamEvent.Finished(TimedOut());
        }
    }

    private async Task<(JsonRpcResponse Response, A2ADialect Dialect)> CallInDialectsAsync(
        Persona persona, AgentCard card, Func<A2ADialect, (string Method, JsonObject Params)> call, CancellationToken cancellationToken)
    {
        var dialect = DialectOf(card);
        var (method, parameters) = call(dialect);
        var response = await _rpc.CallAsync(persona, card.Endpoint, dialect, method, parameters, cancellationToken);
        if (response is not JsonRpcResponse.Error { Code: var code } || !JsonRpcErrorCodes.AsksForOtherDialect(code))
        {
            return (response, dialect);
        }

        var other = Other(dialect);
        (method, parameters) = call(other);
        response = await _rpc.CallAsync(persona, card.Endpoint, other, method, parameters, cancellationToken);
        Learn(card, other, response);
        return (response is JsonRpcResponse.Error { Code: var again } && JsonRpcErrorCodes.AsksForOtherDialect(again)
            ? new JsonRpcResponse.Failed(new AgentFailure(FailureClass.Fatal, $"jsonrpc_{again}", "the agent speaks neither A2A v1.0 nor v0.3"))
            : response, other);
    }

    private A2ADialect DialectOf(AgentCard card) => _learnedDialects.GetValueOrDefault(card.Endpoint, card.Dialect);

    private void Learn(AgentCard card, A2ADialect dialect, JsonRpcResponse? answer)
    {
        if (answer is not JsonRpcResponse.Error { Code: var code } || !JsonRpcErrorCodes.AsksForOtherDialect(code))
        {
            _learnedDialects[card.Endpoint] = dialect;
        }
    }

    private static A2ADialect Other(A2ADialect dialect) => dialect == A2ADialect.V1 ? A2ADialect.V03 : A2ADialect.V1;

    private static AgentOutcome ToOutcome(JsonRpcResponse response) => response switch
    {
        JsonRpcResponse.Result result => A2AResultReader.Read(result.Value),
        JsonRpcResponse.Error error => JsonRpcErrorCodes.Failure(error),
        JsonRpcResponse.Failed failed => failed.Failure,
        _ => throw new InvalidOperationException("unreachable"),
    };

    /// <summary>An answer in one piece where a stream event was expected: the event it is, or the failure it says.</summary>
    private static AgentStreamEvent FromAnswer(JsonRpcResponse response) => response switch
    {
        JsonRpcResponse.Result result => A2AEventReader.Read(result.Value)
            ?? new AgentStreamEvent.Finished(new AgentFailure(FailureClass.Fatal, AgentFailureCodes.InvalidResponse, "the result is neither a task nor a message")),
        _ => new AgentStreamEvent.Finished(ToOutcome(response)),
    };

    private AgentOutcome Capped(AgentOutcome outcome) =>
        outcome is AgentReply reply ? reply with { Text = TaskReply.Cap(reply.Text, _options.MaxReplyChars) } : outcome;

    private AgentStreamEvent Capped(AgentStreamEvent streamEvent) =>
        streamEvent is AgentStreamEvent.Finished finished ? new AgentStreamEvent.Finished(Capped(finished.Outcome)) : streamEvent;

    private static string SnapshotKey(AgentStreamEvent.Snapshot snapshot) =>
        $"{snapshot.State}\u0000{snapshot.StatusText}\u0000{string.Join('\u0000', snapshot.Artifacts.Select(a => $"{a.ArtifactId}\u0001{a.Text}"))}";

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        return deadline;
    }

    private AgentFailure TimedOut() =>
        new(FailureClass.Transient, AgentFailureCodes.Timeout, $"no answer within {_options.Timeout.TotalSeconds:0} s");

    /// <summary>A stream opened, an answer in one piece instead, or why neither (no usable card, a timeout).</summary>
    private sealed record Opened(AgentCard? Card, HttpResponseMessage? Events, JsonRpcResponse? Answer, AgentFailure? Failure);
}
