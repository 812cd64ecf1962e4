using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRouter.Testing.Hostile;

/// <summary>One request the recorder received: where it went, every header, and the start of its body.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A server on another loopback port that a hostile agent points the router at (by its card, or by a redirect). It
/// answers every request 404 and keeps what came, so a test can tell whether a credential or a user's text left the
/// agent's origin.
/// </summary>
public sealed class CredentialRecorder : IAsyncDisposable
{
    private const int KeptBodyBytes = 64 * 1024;
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private WebApplication? _app;

    private CredentialRecorder()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate) { return _requests.ToArray(); } }
    }

    public static async Task<CredentialRecorder> StartAsync()
    {
        var recorder = new CredentialRecorder();
        (recorder._app, recorder.BaseUrl) = await LoopbackServer.StartAsync(app => app.Run(recorder.RecordAsync));
        return recorder;
    }

    /// <summary>Requests that carried any of <paramref name="secrets"/> anywhere: a header value or the body.</summary>
    public IReadOnlyList<RecordedRequest> Carrying(IEnumerable<string> secrets) =>
        Requests.Where(r => secrets.Any(s => r.Body.Contains(s, StringComparison.Ordinal) || r.Headers.Values.Any(v => v.Contains(s, StringComparison.Ordinal)))).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task RecordAsync(HttpContext context)
    {
        var buffer = new byte[KeptBodyBytes];
        var kept = 0;
        int read;
        while (kept < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(kept), context.RequestAborted)) > 0)
        {
            kept += read;
        }

        var request = new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            System.Text.Encoding.UTF8.GetString(buffer, 0, kept));
        lock (_gate)
        {
            _requests.Add(request);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }
}
