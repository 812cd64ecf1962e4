using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Cli;

/// <summary><c>--check-config</c> and <c>--diff-config</c>: the config guard on its own, and the promotion gate.</summary>
public static class ConfigCommands
{
    /// <summary>
    /// Every problem as a <c>config.guard</c> JSON event on stdout, then a <c>config.checked</c> event with the
    /// manifest hash; a human summary on stderr. Exit 0 when valid, 2 when not. No secret value is printed.
    /// </summary>
    public static int CheckConfig(CommandLine command, DateTimeOffset now)
    {
        var reading = Read(command.EnvFiles, now, otel: command.Otel, emitMetrics: command.EmitMetrics);
        var logger = RouterLogging.CreateBootstrapLogger(reading.Manifest.Hash);
        ConfigGuardLog.Write(logger, reading.Problems);
        ConfigGuardLog.WriteSummary(logger, reading);
        Console.Error.WriteLine(reading.Errors == 0
            ? $"orleans-router: the configuration is valid ({reading.Warnings} warning{Plural(reading.Warnings)}); manifest {reading.Manifest.Hash}"
            : $"orleans-router: the configuration has {reading.Errors} problem{Plural(reading.Errors)} and {reading.Warnings} warning{Plural(reading.Warnings)} (see the config.guard events); manifest {reading.Manifest.Hash}");
        return reading.Errors == 0 ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    /// <summary>
    /// What changes from <c>--against</c> to <c>--env-file</c>: keys added, removed and changed (a secret only as
    /// changed), and the share of keys that changed. Over <c>--max-diff</c>, exit 3.
    /// </summary>
    public static int DiffConfig(CommandLine command, DateTimeOffset now)
    {
        var after = Read(command.EnvFiles, now).Manifest;
        var before = Read([command.Against!], now).Manifest;
        var diff = after.DiffFrom(before);
        var tooDifferent = command.MaxDiff is { } max && diff.Share > max;
        if (command.Json)
        {
            Console.WriteLine(new JsonObject
            {
                ["from"] = command.Against,
                ["to"] = command.EnvFiles[0],
                ["from_manifest"] = before.Hash,
                ["to_manifest"] = after.Hash,
                ["changes"] = new JsonArray([.. diff.Changes.Select(c => (JsonNode)new JsonObject
                {
                    ["key"] = c.Key,
                    ["change"] = c.Kind,
                    ["before"] = c.Before,
                    ["after"] = c.After,
                    ["counted"] = c.Counted,
                })]),
                ["keys"] = diff.Keys,
                ["share_changed"] = Math.Round(diff.Share, 4),
                ["max_diff"] = command.MaxDiff,
                ["within_max_diff"] = !tooDifferent,
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            Console.WriteLine($"{command.Against} -> {command.EnvFiles[0]}");
            foreach (var change in diff.Changes)
            {
                var note = change.Counted ? "" : " (names the environment; not counted)";
                Console.WriteLine(change.Kind switch
                {
                    "added" => $"  + {change.Key}{(change.After is null ? " (secret)" : $"={change.After}")}",
                    "removed" => $"  - {change.Key}{(change.Before is null ? " (secret)" : $"={change.Before}")}",
                    _ => change.Before is null && change.After is null
                        ? $"  ~ {change.Key} (secret changed)"
                        : $"  ~ {change.Key}: {change.Before} -> {change.After}",
                } + note);
            }

            Console.WriteLine($"{diff.Counted} of {diff.Keys} keys changed ({diff.Share.ToString("P1", CultureInfo.InvariantCulture)})"
                + (command.MaxDiff is { } limit ? $"; the limit is {limit.ToString("P1", CultureInfo.InvariantCulture)}" : ""));
        }

        if (tooDifferent)
        {
            Console.Error.WriteLine("orleans-router: the configurations differ by more than --max-diff");
        }

        return tooDifferent ? ExitCodes.TooDifferent : ExitCodes.Ok;
    }

    /// <summary>The collector <c>--otel</c> exports to when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is not set: OTLP/HTTP on this machine.</summary>
    public const string DefaultOtlpEndpoint = "http://127.0.0.1:4318";

    /// <summary>Reads the configuration as a silo started with these files and these flags would.</summary>
    public static ConfigReading Read(IReadOnlyList<string> envFiles, DateTimeOffset now, string? digest = null, bool otel = false, string? emitMetrics = null)
    {
        var environment = new Dictionary<string, string>(RouterSettingsReader.ProcessEnvironment());
        if (digest is not null)
        {
            environment[ConfigKeys.ImageDigest] = digest;
        }

        var flags = new Dictionary<string, string>();
        if (otel)
        {
            flags[ConfigKeys.OtlpEndpoint] = DefaultOtlpEndpoint;
        }

        if (emitMetrics is not null)
        {
            flags[ConfigKeys.MetricsEmit] = emitMetrics;
        }

        return RouterSettingsReader.Read(envFiles, environment, now, flags);
    }

    private static string Plural(int count) => count == 1 ? "" : "s";
}
