using System.Diagnostics;
using System.Globalization;
using OrleansRouter.Testing;

namespace OrleansRouter.Deployment.Redis;

/// <summary>
/// The restore drill of docs/redis.md, run for real: a backup with <c>ops/redis-backup.sh</c> while messages wait
/// stored and unanswered, everything stopped, the backup restored into a new Redis on another port, new silos on it.
/// </summary>
public sealed class BackupDrillTests : IAsyncDisposable
{
    private static readonly string Script = Path.Combine(RouterProcess.RepositoryRoot(), "ops", "redis-backup.sh");

    private readonly string _directory = Directory.CreateTempSubdirectory("router-drill-").FullName;
    private int? _restoredPid;

    [Fact]
    public async Task Every_message_stored_and_unanswered_at_backup_time_is_answered_once_from_the_restored_backup()
    {
        var chats = Traffic.Chats(20);

        // The agent is down until the restore: messages wait, stored, retried up to a hundred times.
        var retries = new Dictionary<string, string> { ["RETRY_MAX_ATTEMPTS"] = "100", ["RETRY_BASE_DELAY_MS"] = "200", ["RETRY_MAX_DELAY_MS"] = "2000" };
        await using var cluster = await SiloCluster.StartAsync(silos: 2, extra: retries);
        cluster.Agent.Unavailable = true;
        var before = await PostAndWaitUntilStoredAsync(cluster, chats, "before the backup");

        var backups = Directory.CreateDirectory(Path.Combine(_directory, "backups")).FullName;
        var (backedUp, backupOutput) = await RunAsync("backup", "--port", cluster.Redis.Port.ToString(CultureInfo.InvariantCulture), "--out", backups);
        Assert.True(backedUp == 0, backupOutput);
        var backup = backupOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.True(File.Exists(backup) && File.Exists(backup + ".sha256"), backupOutput);

        // Accepted after the backup: a restore of it cannot bring these back (the backup's age is what it loses).
        var after = await PostAndWaitUntilStoredAsync(cluster, chats, "after the backup");
        Assert.Empty(cluster.Telegram.Sent);

        foreach (var silo in cluster.Running.ToList())
        {
            silo.Terminate();
            Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        await cluster.Redis.StopAsync();

        var port = FreePort.Next();
        var (restored, restoreOutput) = await RunAsync("restore", backup, "--dir", Path.Combine(_directory, "restored"), "--port", port.ToString(CultureInfo.InvariantCulture));
        _restoredPid = PidIn(Path.Combine(_directory, "restored"));
        Assert.True(restored == 0, restoreOutput);
        TestContext.Current.TestOutputHelper?.WriteLine(restoreOutput.Trim());

        cluster.Agent.Unavailable = false;
        var restart = Stopwatch.StartNew();
        var silos = Enumerable.Range(0, 2)
            .Select(_ => cluster.Start(extra: new Dictionary<string, string>(retries) { ["REDIS_CONNECTION_STRING"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" }))
            .ToList();
        foreach (var silo in silos)
        {
            await silo.WaitForHealthyAsync(TimeSpan.FromSeconds(120));
        }

        await cluster.Telegram.WaitUntilAsync(t => before.All(m => t.SentTo(m.Chat).Any(s => s.Text == $"reply: {m.Text}")), TimeSpan.FromSeconds(120),
            $"a reply to each of the {before.Count} messages stored at backup time");
        var answeredIn = restart.Elapsed;

        // Once no silo holds a waiting message, nothing more can be sent: not a second reply, not one from after the backup.
        await Traffic.WaitUntilAsync(
            async () => (await Task.WhenAll(silos.Select(s => s.HealthAsync()))).All(h => h.Body?["queue"]?["depth"]?.GetValue<long>() == 0),
            TimeSpan.FromSeconds(60),
            () => "every silo with nothing left to send");
        var sent = cluster.Telegram.Sent;
        var twice = sent.GroupBy(s => (s.ChatId, s.Text)).Where(g => g.Count() > 1).Select(g => $"{g.Key.ChatId}: {g.Key.Text} x{g.Count()}").ToList();
        var fromAfter = after.Where(m => sent.Any(s => s.ChatId == m.Chat && s.Text == $"reply: {m.Text}")).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"restore drill: {before.Count} messages in the backup answered {answeredIn.TotalSeconds:0.0} s after the new silos started; {twice.Count} twice; {after.Count} accepted after the backup, {fromAfter.Count} of them answered");
        Assert.Empty(twice);
        Assert.Empty(fromAfter);
    }

    public async ValueTask DisposeAsync()
    {
        if (_restoredPid is { } pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Two messages into every chat; returns once Telegram has been told each is stored (its update confirmed).</summary>
    private static async Task<List<(long Chat, string Text)>> PostAndWaitUntilStoredAsync(SiloCluster cluster, IReadOnlyList<long> chats, string when)
    {
        var posted = new List<(long Chat, string Text, int UpdateId)>();
        foreach (var chat in chats)
        {
            for (var i = 1; i <= 2; i++)
            {
                var text = $"{when}, message {i}";
                posted.Add((chat, text, cluster.Telegram.Post(chat, text)));
            }
        }

        await cluster.Telegram.WaitUntilAsync(t => posted.All(p => t.ConfirmedAt.ContainsKey(p.UpdateId)), TimeSpan.FromSeconds(60), $"the messages posted {when} stored");
        return posted.Select(p => (p.Chat, p.Text)).ToList();
    }

    private static int? PidIn(string directory) =>
        File.Exists(Path.Combine(directory, "redis.pid")) ? int.Parse(File.ReadAllText(Path.Combine(directory, "redis.pid")).Trim(), CultureInfo.InvariantCulture) : null;

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, $"{await errors}{await output}");
    }
}
