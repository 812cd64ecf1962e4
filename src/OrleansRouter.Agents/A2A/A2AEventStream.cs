using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OrleansRouter.Agents.A2A;

/// <summary>
/// Reads an agent's server-sent event stream: each event's data is a JSON-RPC response whose result is one stream
/// event (<see cref="A2AEventReader"/>), and an error response ends the stream with its failure. Bounded against a
/// hostile or stuck agent: no event for <see cref="A2AClientOptions.Timeout"/>, or more than
/// <see cref="A2AClientOptions.MaxStreamBytes"/> in all, ends it with a transient failure, so the task is picked up
/// again (a resubscription starts over from a snapshot) within the caller's retry budget.
/// </summary>
internal static class A2AEventStream
{
    public static async IAsyncEnumerable<AgentStreamEvent> ReadAsync(
        HttpResponseMessage response, A2AClientOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (response)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var body = new BoundedStream(await response.Content.ReadAsStreamAsync(cancellationToken), options.MaxStreamBytes);
            await using (body)
            {
                var events = SseParser.Create(body, (_, data) => data.ToArray()).EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
                await using (events)
                {
                    while (true)
                    {
                        idle.CancelAfter(options.Timeout);
                        var (data, failure) = await NextAsync(events, options, cancellationToken);
                        if (failure is not null)
                        {
                            yield return new AgentStreamEvent.Finished(failure);
                            yield break;
                        }

                        if (data is null)
                        {
                            yield break;
                        }

                        if (Read(data) is { } streamEvent)
                        {
                            yield return streamEvent;
                            if (streamEvent is AgentStreamEvent.Finished)
                            {
                                yield break;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The next event's data; null data at the end of the stream; a failure when it broke or went quiet.</summary>
    private static async Task<(byte[]? Data, AgentFailure? Failure)> NextAsync(
        IAsyncEnumerator<SseItem<byte[]>> events, A2AClientOptions options, CancellationToken cancellationToken)
    {
        try
        {
            while (await events.MoveNextAsync())
            {
                if (events.Current.Data.Length > 0)
                {
                    return (events.Current.Data, null);
                }
            }

            return (null, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new AgentFailure(FailureClass.Transient, AgentFailureCodes.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"the stream sent nothing for {options.Timeout.TotalSeconds:0} s")));
        }
        catch (BoundedStream.LimitExceededException)
        {
            return (null, new AgentFailure(FailureClass.Transient, AgentFailureCodes.StreamTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"the stream carried more than {options.MaxStreamBytes:N0} bytes")));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return (null, new AgentFailure(FailureClass.Transient, AgentFailureCodes.Network, $"the stream was cut: {e.Message}"));
        }
    }

    /// <summary>One event's data: a stream event, a failure that ends the stream, or null for one to skip.</summary>
    private static AgentStreamEvent? Read(byte[] data)
    {
        using var document = JsonBody.Parse(data, out var notJson);
        if (document is null)
        {
            return new AgentStreamEvent.Finished(notJson!);
        }

        return JsonRpcResponse.Read(document.RootElement) switch
        {
            JsonRpcResponse.Result result => A2AEventReader.Read(result.Value),
            JsonRpcResponse.Error error => new AgentStreamEvent.Finished(JsonRpcErrorCodes.Failure(error)),
            _ => new AgentStreamEvent.Finished(new AgentFailure(FailureClass.Fatal, AgentFailureCodes.InvalidResponse,
                "a stream event is not a JSON-RPC response")),
        };
    }
}
