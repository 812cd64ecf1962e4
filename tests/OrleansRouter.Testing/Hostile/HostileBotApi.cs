using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRouter.Testing.Hostile;

/// <summary>The ways a <see cref="HostileBotApi"/> misbehaves.</summary>
public enum BotApiMisbehaviour
{
    /// <summary>Every call passes to the emulator and back unchanged.</summary>
    None,

    /// <summary>Every call waits two seconds before it passes.</summary>
    Slow,

    /// <summary>Every call passes, and the answer comes back as random bytes with HTTP 200.</summary>
    GarbageBodies,

    /// <summary>Every call is answered 500, 502 or 503, in JSON or in a proxy's HTML, and goes no further.</summary>
    ServerErrors,

    /// <summary>Every call is answered 429 with <c>retry_after</c> 1 and goes no further.</summary>
    TooManyRequests,
}

/// <summary>
/// A Bot API that misbehaves: a proxy on loopback in front of a <see cref="BotApiEmulator"/>, which keeps the
/// emulator's record of what was really sent. What passes reaches the emulator once; what the proxy answers itself
/// never does. Every request is counted with its time, so a test can tell a paced client from a tight loop.
/// </summary>
public sealed class HostileBotApi : IAsyncDisposable
{
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly List<(string Method, DateTimeOffset At)> _requests = [];
    private readonly HttpClient _forward = new() { Timeout = TimeSpan.FromSeconds(100) };
    private readonly Uri _emulator;
    private readonly Random _random = new(19);
    private int _answered;
    private WebApplication? _app;

    private HostileBotApi(Uri emulator) => _emulator = emulator;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How the proxy treats the calls that come from now on.</summary>
    public BotApiMisbehaviour Misbehaviour { get; set; }

    /// <summary>Every request, by Bot API method, with when it came.</summary>
    public IReadOnlyList<(string Method, DateTimeOffset At)> Requests
    {
        get { lock (_gate) { return _requests.ToArray(); } }
    }

    public static async Task<HostileBotApi> StartAsync(BotApiEmulator emulator)
    {
        var proxy = new HostileBotApi(emulator.BaseUrl);
        (proxy._app, proxy.BaseUrl) = await LoopbackServer.StartAsync(app => app.Run(proxy.HandleAsync));
        return proxy;
    }

    /// <summary>The most requests that came within any one second of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int MostRequestsInOneSecond(DateTimeOffset from, DateTimeOffset to)
    {
        var times = Requests.Select(r => r.At).Where(t => t >= from && t < to).Order().ToList();
        var most = 0;
        for (int first = 0, last = 0; last < times.Count; last++)
        {
            while (times[last] - times[first] >= TimeSpan.FromSeconds(1))
            {
                first++;
            }

            most = Math.Max(most, last - first + 1);
        }

        return most;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _forward.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Path.Value?.Split('/').LastOrDefault() ?? "";
        var misbehaviour = Misbehaviour;
        lock (_gate)
        {
            _requests.Add((method, DateTimeOffset.UtcNow));
        }

        switch (misbehaviour)
        {
            case BotApiMisbehaviour.ServerErrors:
                await AnswerServerErrorAsync(context.Response);
                return;
            case BotApiMisbehaviour.TooManyRequests:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}");
                return;
            case BotApiMisbehaviour.Slow:
                await Task.Delay(SlowDelay, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                break;
        }

        using var forwarded = await ForwardAsync(context);
        if (forwarded is null)
        {
            return;
        }

        if (misbehaviour == BotApiMisbehaviour.GarbageBodies)
        {
            byte[] garbage;
            lock (_gate)
            {
                garbage = new byte[_random.Next(16, 4096)];
                _random.NextBytes(garbage);
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(garbage);
            return;
        }

        context.Response.StatusCode = (int)forwarded.StatusCode;
        context.Response.ContentType = forwarded.Content.Headers.ContentType?.ToString();
        await forwarded.Content.CopyToAsync(context.Response.Body);
    }

    /// <summary>The call, as it came, to the emulator; null when the router gave up on it first.</summary>
    private async Task<HttpResponseMessage?> ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_emulator, context.Request.Path + context.Request.QueryString))
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        if (context.Request.ContentType is { } type)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        try
        {
            return await _forward.SendAsync(request, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
    }

    private Task AnswerServerErrorAsync(HttpResponse response)
    {
        var turn = Interlocked.Increment(ref _answered) % 3;
        response.StatusCode = turn switch { 0 => 500, 1 => 502, _ => 503 };
        if (turn == 1)
        {
            response.ContentType = "text/html";
            return response.WriteAsync("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>", Encoding.UTF8);
        }

        response.ContentType = "application/json";
        return response.WriteAsync($"{{\"ok\":false,\"error_code\":{response.StatusCode},\"description\":\"Internal Server Error\"}}");
    }
}
