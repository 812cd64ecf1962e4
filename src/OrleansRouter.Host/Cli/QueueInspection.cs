using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansRouter.Grains;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Hosting;
using OrleansRouter.Privacy;

namespace OrleansRouter.Host.Cli;

/// <summary>
/// <c>--inspect-queue</c>: joins the running cluster as an Orleans client, through a gateway, as configured by the
/// same env files as its silos; finds the active chat grains on every silo (the management grain knows them) and
/// asks each for its snapshot. Why a client and not an admin endpoint: the cluster's own membership finds every
/// silo, the client needs no extra listener, port or credential on the silos, and it is the same configuration the
/// operator already has. Chats without an activation are not listed; a chat with pending work is active, or is
/// woken by its reminder within <c>CHAT_REMINDER_SECONDS</c>.
/// </summary>
public static class QueueInspection
{
    private const string ChatGrainType = "chat";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <param name="now">Today, for the configuration's rotation checks; the report is timed when the cluster answers.</param>
    public static async Task<int> RunAsync(CommandLine command, DateTimeOffset now)
    {
        var reading = ConfigCommands.Read(command.EnvFiles, now);
        if (reading.Settings is not { } settings)
        {
            Console.Error.WriteLine("orleans-router: the configuration is invalid; run --check-config with the same env files");
            return ExitCodes.Invalid;
        }

        using var host = ClientHost(settings.Cluster);
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            await host.StartAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or SiloUnavailableException)
        {
            Console.Error.WriteLine($"orleans-router: cannot reach the cluster {settings.Cluster.ClusterId}/{settings.Cluster.ServiceId}: {e.Message}");
            return ExitCodes.Failed;
        }

        var grains = host.Services.GetRequiredService<IClusterClient>();
        var report = await InspectAsync(grains, DateTimeOffset.UtcNow);
        var hasher = new ChatIdHasher(settings.ChatIdHashSalt);
        Console.WriteLine(command.Json ? Json(report, command, hasher) : Table(report, command, hasher));
        await host.StopAsync();
        return ExitCodes.Ok;
    }

    /// <summary>Every active chat's snapshot, with the silo it lives on.</summary>
    public static async Task<QueueReport> InspectAsync(IGrainFactory grains, DateTimeOffset now)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var silos = await management.GetHosts(onlyActive: true);
        var activations = (await management.GetDetailedGrainStatistics())
            .Where(a => a.GrainId.Type.ToString() == ChatGrainType)
            .ToList();
        using var gate = new SemaphoreSlim(32);
        var chats = await Task.WhenAll(activations.Select(async activation =>
        {
            await gate.WaitAsync();
            try
            {
                var snapshot = await grains.GetGrain<IChatGrain>(activation.GrainId.GetIntegerKey()).GetState();
                return new ActiveChat(activation.SiloAddress.ToString(), snapshot);
            }
            finally
            {
                gate.Release();
            }
        }));
        var quarantine = await grains.GetGrain<IQuarantineGrain>(IQuarantineGrain.TelegramUpdates).GetState();
        return new QueueReport(now, silos.Keys.Select(s => s.ToString()).Order(StringComparer.Ordinal).ToList(), chats, quarantine);
    }

    private static IHost ClientHost(ClusterSettings cluster)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            // The gateway asks for the same certificate the silos present to each other (ORLEANS_TLS=mutual).
            client.UseRouterTls(cluster);
            if (cluster.Clustering == ClusteringMode.Localhost)
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
                return;
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            client.UseRedisClustering(options => options.ConfigurationOptions = RedisConnection.Options(cluster));
        });
        return builder.Build();
    }

    private static string Table(QueueReport report, CommandLine command, ChatIdHasher hasher)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Silos.Count} silos, {report.Chats.Count} active chats, {report.Chats.Sum(c => c.Snapshot.InboxDepth)} messages waiting, at {report.At:u}");
        text.AppendLine();
        var silos = Summaries(report).Select(silo => new[]
        {
            silo.Silo,
            silo.Chats.ToString(CultureInfo.InvariantCulture),
            silo.Waiting.ToString(CultureInfo.InvariantCulture),
            silo.InFlight.ToString(CultureInfo.InvariantCulture),
            silo.Retrying.ToString(CultureInfo.InvariantCulture),
            In(silo.NextRetryAt, report.At),
            silo.DeadLetters.ToString(CultureInfo.InvariantCulture),
            Age(silo.OldestReceivedAt, report.At),
        }).ToList();
        AppendTable(text, ["SILO", "CHATS", "WAITING", "IN FLIGHT", "RETRYING", "NEXT RETRY", "DEAD LETTERS", "OLDEST"], silos);
        text.AppendLine();
        text.AppendLine("BUSIEST CHATS");
        var busiest = Busiest(report, command.Top).Select(c => new[]
        {
            ChatName(c.Snapshot.ChatId, command, hasher),
            c.Silo,
            c.Snapshot.InboxDepth.ToString(CultureInfo.InvariantCulture),
            c.Snapshot.InFlight ? "yes" : "no",
            c.Snapshot.Attempts.ToString(CultureInfo.InvariantCulture),
            In(c.Snapshot.NextRetryAt, report.At),
            c.Snapshot.DeadLetters.ToString(CultureInfo.InvariantCulture),
            Age(c.Snapshot.OldestReceivedAt, report.At),
            c.Snapshot.Persona,
        }).ToList();
        if (busiest.Count == 0)
        {
            text.AppendLine("none: no chat has messages waiting or dead letters");
        }
        else
        {
            AppendTable(text, ["CHAT", "SILO", "WAITING", "IN FLIGHT", "ATTEMPTS", "NEXT RETRY", "DEAD LETTERS", "OLDEST", "PERSONA"], busiest);
        }

        AppendQuarantine(text, report, command, hasher);
        return text.ToString().TrimEnd();
    }

    /// <summary>The updates set aside because no chat could store them (docs/runbook.md#quarantined-updates), newest first.</summary>
    private static void AppendQuarantine(StringBuilder text, QueueReport report, CommandLine command, ChatIdHasher hasher)
    {
        var quarantine = report.Quarantine ?? Empty;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"QUARANTINED UPDATES ({quarantine.Total} since the start, {quarantine.Entries.Count} kept, {quarantine.Dropped} let go)");
        var rows = Quarantined(quarantine, command.Top).Select(q => new[]
        {
            q.UpdateId.ToString(CultureInfo.InvariantCulture),
            QuarantinedChat(q, command, hasher),
            Age(q.QuarantinedAt, report.At),
            q.Attempts.ToString(CultureInfo.InvariantCulture),
            q.Reason,
            q.RawLength.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        if (rows.Count == 0)
        {
            text.AppendLine("none: every update was stored by its chat");
        }
        else
        {
            AppendTable(text, ["UPDATE", "CHAT", "AGE", "ATTEMPTS", "REASON", "RAW CHARS"], rows);
        }
    }

    private static readonly QuarantineSnapshot Empty = new(0, 0, []);

    private static IEnumerable<QuarantinedUpdate> Quarantined(QuarantineSnapshot quarantine, int top) =>
        quarantine.Entries.OrderByDescending(q => q.QuarantinedAt).Take(top);

    /// <summary>The raw update names the chat and holds the user's words: shown only with <c>--show-chat-ids</c>.</summary>
    private static string QuarantinedChat(QuarantinedUpdate update, CommandLine command, ChatIdHasher hasher) =>
        command.ShowChatIds ? update.ChatId.ToString(CultureInfo.InvariantCulture) : hasher.Hash(update.ChatId);

    private static JsonNode QuarantineJson(QueueReport report, CommandLine command, ChatIdHasher hasher)
    {
        var quarantine = report.Quarantine ?? Empty;
        return new JsonObject
        {
            ["total"] = quarantine.Total,
            ["kept"] = quarantine.Entries.Count,
            ["dropped"] = quarantine.Dropped,
            ["updates"] = new JsonArray([.. Quarantined(quarantine, command.Top).Select(q => (JsonNode)new JsonObject
            {
                ["update_id"] = q.UpdateId,
                [command.ShowChatIds ? "chat_id" : "chat_id_hash"] = QuarantinedChat(q, command, hasher),
                ["quarantined_at"] = q.QuarantinedAt,
                ["attempts"] = q.Attempts,
                ["reason"] = q.Reason,
                ["raw_chars"] = q.RawLength,
                ["raw"] = command.ShowChatIds ? q.RawUpdate : null,
            })]),
        };
    }

    /// <summary>Each silo's chats added up, for the table and the JSON alike.</summary>
    private static IEnumerable<SiloSummary> Summaries(QueueReport report) => report.Silos.Select(silo =>
    {
        var chats = report.Chats.Where(c => c.Silo == silo).Select(c => c.Snapshot).ToList();
        return new SiloSummary(
            silo,
            chats.Count,
            chats.Sum(c => c.InboxDepth),
            chats.Count(c => c.InFlight),
            chats.Count(c => c.NextRetryAt is not null),
            chats.Select(c => c.NextRetryAt).Min(),
            chats.Sum(c => c.DeadLetters),
            chats.Select(c => c.OldestReceivedAt).Min());
    });

    private sealed record SiloSummary(
        string Silo, int Chats, int Waiting, int InFlight, int Retrying, DateTimeOffset? NextRetryAt, int DeadLetters, DateTimeOffset? OldestReceivedAt);

    private static string Json(QueueReport report, CommandLine command, ChatIdHasher hasher) => new JsonObject
    {
        ["at"] = report.At,
        ["silos"] = new JsonArray([.. Summaries(report).Select(silo => (JsonNode)new JsonObject
        {
            ["silo"] = silo.Silo,
            ["chats"] = silo.Chats,
            ["waiting"] = silo.Waiting,
            ["in_flight"] = silo.InFlight,
            ["retrying"] = silo.Retrying,
            ["next_retry_at"] = silo.NextRetryAt,
            ["dead_letters"] = silo.DeadLetters,
            ["oldest_age_seconds"] = Seconds(silo.OldestReceivedAt, report.At),
        })]),
        ["busiest_chats"] = new JsonArray([.. Busiest(report, command.Top).Select(c => (JsonNode)new JsonObject
        {
            [command.ShowChatIds ? "chat_id" : "chat_id_hash"] = ChatName(c.Snapshot.ChatId, command, hasher),
            ["silo"] = c.Silo,
            ["persona"] = c.Snapshot.Persona,
            ["waiting"] = c.Snapshot.InboxDepth,
            ["in_flight"] = c.Snapshot.InFlight,
            ["attempts"] = c.Snapshot.Attempts,
            ["next_retry_at"] = c.Snapshot.NextRetryAt,
            ["dead_letters"] = c.Snapshot.DeadLetters,
            ["overflowed"] = c.Snapshot.Overflowed,
            ["oldest_age_seconds"] = Seconds(c.Snapshot.OldestReceivedAt, report.At),
        })]),
        ["quarantine"] = QuarantineJson(report, command, hasher),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The chats with most waiting, then the oldest waiting, then the most dead letters.</summary>
    private static IEnumerable<ActiveChat> Busiest(QueueReport report, int top) =>
        report.Chats
            .Where(c => c.Snapshot.InboxDepth > 0 || c.Snapshot.DeadLetters > 0)
            .OrderByDescending(c => c.Snapshot.InboxDepth)
            .ThenBy(c => c.Snapshot.OldestReceivedAt ?? DateTimeOffset.MaxValue)
            .ThenByDescending(c => c.Snapshot.DeadLetters)
            .Take(top);

    private static string ChatName(long chatId, CommandLine command, ChatIdHasher hasher) =>
        command.ShowChatIds ? chatId.ToString(CultureInfo.InvariantCulture) : hasher.Hash(chatId);

    private static string In(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } due ? (due <= now ? "due" : $"in {Math.Ceiling((due - now).TotalSeconds):0} s") : "-";

    private static string Age(DateTimeOffset? since, DateTimeOffset now) =>
        since is { } start ? $"{Math.Max(0, (now - start).TotalSeconds):0} s" : "-";

    private static double? Seconds(DateTimeOffset? since, DateTimeOffset now) =>
        since is { } start ? Math.Round(Math.Max(0, (now - start).TotalSeconds), 1) : null;

    private static void AppendTable(StringBuilder text, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }
    }
}

/// <summary>A chat's snapshot and the silo it is active on.</summary>
public sealed record ActiveChat(string Silo, ChatSnapshot Snapshot);

/// <param name="Quarantine">The updates set aside by the ingress; null when the report was made without it.</param>
public sealed record QueueReport(DateTimeOffset At, IReadOnlyList<string> Silos, IReadOnlyList<ActiveChat> Chats, QuarantineSnapshot? Quarantine = null);
