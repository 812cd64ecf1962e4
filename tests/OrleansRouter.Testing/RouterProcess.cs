using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace OrleansRouter.Testing;

/// <summary>
/// The real router executable, started as a process on ports of its own, with its stdout read as JSON log lines.
/// Disposing kills it if it still runs.
/// </summary>
public sealed partial class RouterProcess : IAsyncDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Keys the router reads; cleared from the inherited environment so a test sets exactly what it means.</summary>
    private static readonly string[] RouterPrefixes =
        ["ROUTER_", "TELEGRAM_", "PERSONA_", "A2A_", "ALLOWED_", "QUEUE_", "RETRY_", "ORLEANS_", "SILO_", "GATEWAY_", "HTTP_ENDPOINT", "HEALTH_", "LOG_", "SHUTDOWN_", "BUILD_SHA", "CHAT_ID_", "IMAGE_DIGEST", "DEPLOY_", "SECRET_VERSION_", "DASHBOARD_", "OTEL_", "METRICS_"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>A script leads a process group of its own, which disposing kills whole: the silo with its script.</summary>
    private readonly bool _group;

    private RouterProcess(Process process, Uri httpUrl, bool group)
    {
        _process = process;
        HttpUrl = httpUrl;
        _group = group;
    }

    public Uri HttpUrl { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join("\n", _lines) + "\n" + string.Join("\n", _errors);

    /// <summary>The process's resident memory now and at its peak, in bytes, from /proc.</summary>
    public (long Current, long Peak) ResidentMemory()
    {
        long Read(string field) => File.ReadLines($"/proc/{_process.Id}/status")
            .Where(line => line.StartsWith(field, StringComparison.Ordinal))
            .Select(line => long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .Single();
        return (Read("VmRSS:"), Read("VmHWM:"));
    }

    /// <summary>The processor time the process has used so far, user and system, on every core.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public IReadOnlyList<string> StandardError => _errors.ToArray();

    public string StandardOutput => string.Join("\n", _lines);

    /// <summary>Every stdout line that is a JSON object: the router's log events.</summary>
    public IReadOnlyList<JsonObject> Events => _lines
        .Select(line => { try { return JsonNode.Parse(line) as JsonObject; } catch (System.Text.Json.JsonException) { return null; } })
        .OfType<JsonObject>()
        .ToList();

    public IEnumerable<JsonObject> EventsNamed(string name) => Events.Where(e => e["event"]?.GetValue<string>() == name);

    /// <summary>Starts the router with <paramref name="environment"/> on fresh loopback ports (unless given).</summary>
    public static RouterProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(BuiltExecutable(), environment, args);

    /// <summary>Starts the router built at <paramref name="executable"/> (an <c>orleans-router.dll</c>), as <see cref="Start(IReadOnlyDictionary{string, string}, string[])"/> starts this tree's.</summary>
    public static RouterProcess Start(string executable, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch("dotnet", [executable, .. args], environment, group: false);

    /// <summary>
    /// Runs <c>ops/start-silo.sh <paramref name="environmentName"/></c> from the temporary directory, as an operator
    /// would from anywhere, with <paramref name="environment"/> and fresh loopback ports (unless given).
    /// </summary>
    public static RouterProcess StartSiloScript(string environmentName, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch("setsid", ["bash", Path.Combine(RepositoryRoot(), "ops", "start-silo.sh"), environmentName, .. args], environment, group: true);

    /// <summary>
    /// Runs <paramref name="program"/> that starts a silo (a release's script, a Procfile runner, a unit's command
    /// line) as <see cref="StartSiloScript"/> runs the script: in a process group of its own, from the temporary
    /// directory, with <paramref name="environment"/> and fresh loopback ports (unless given).
    /// </summary>
    public static RouterProcess StartProgram(string program, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch("setsid", [program, .. args], environment, group: true);

    private static RouterProcess Launch(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, bool group)
    {
        var settings = new Dictionary<string, string>(environment);
        settings.TryAdd("HTTP_ENDPOINT", $"127.0.0.1:{FreePort.Next()}");
        settings.TryAdd("SILO_PORT", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        settings.TryAdd("GATEWAY_PORT", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        settings.TryAdd("DASHBOARD_ENDPOINT", $"127.0.0.1:{FreePort.Next()}");
        settings.TryAdd("METRICS_ENDPOINT", $"127.0.0.1:{FreePort.Next()}");

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => RouterPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)) || k.EndsWith("_ROTATED_AT", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the router did not start");
        var router = new RouterProcess(process, new Uri($"http://{settings["HTTP_ENDPOINT"]}"), group);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { router._lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { router._errors.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return router;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansRouter.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("OrleansRouter.sln not found above the test binaries");
    }

    /// <summary>
    /// The router built in the configuration the running program was built in: the program (a test project, the
    /// benchmark) names it in an <c>AssemblyMetadata("RouterConfiguration", …)</c> attribute.
    /// </summary>
    public static string BuiltExecutable()
    {
        var configuration = (Assembly.GetEntryAssembly() ?? typeof(RouterProcess).Assembly).GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "RouterConfiguration")?.Value ?? "Release";
        var path = Path.Combine(RepositoryRoot(), "src", "OrleansRouter.Host", "bin", configuration!, "net10.0", "orleans-router.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the router first.", path);
    }

    /// <summary>Waits for <c>/healthz</c> to answer 200; fails with the router's output if it exits or takes too long.</summary>
    public Task<JsonObject> WaitForHealthyAsync(TimeSpan? timeout = null) => WaitForSuccessAsync("/healthz", "healthy", timeout);

    /// <summary>Waits for <c>/livez</c> to answer 200: the router runs, whatever its agents say (a failed persona keeps <c>/healthz</c> at 503).</summary>
    public Task<JsonObject> WaitForLiveAsync(TimeSpan? timeout = null) => WaitForSuccessAsync("/livez", "live", timeout);

    private async Task<JsonObject> WaitForSuccessAsync(string path, string what, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The router exited with {_process.ExitCode} before it was {what}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(HttpUrl, path));
                if (response.IsSuccessStatusCode)
                {
                    return JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? [];
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The router was not {what} in time:\n{Output}");
    }

    /// <summary>One <c>/healthz</c> answer: its status code and body; status 0 when the router did not answer.</summary>
    public async Task<(int Status, JsonObject? Body)> HealthAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(HttpUrl, "/healthz"));
            return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return (0, null);
        }
    }

    public void Interrupt() => Signal(SigInt);

    public void Terminate() => Signal(SigTerm);

    public void Kill() => Signal(SigKill);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_group)
        {
            _ = Kill(-_process.Id, SigKill);
        }

        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Signal(int signal)
    {
        if (!_process.HasExited && Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
