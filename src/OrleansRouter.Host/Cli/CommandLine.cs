using System.Globalization;

namespace OrleansRouter.Host.Cli;

/// <summary>What the router was asked to do, read from its arguments.</summary>
public sealed record CommandLine
{
    public const string Usage = """
        Usage:
          orleans-router [--env-file FILE]... [--digest DIGEST] [--otel] [--emit-metrics stdout]
              run a silo
          orleans-router --check-config [--env-file FILE]... [--otel]
              check the configuration, print every problem and the config manifest hash; exit 2 when invalid
          orleans-router --diff-config --env-file A --against B [--max-diff PERCENT] [--json]
              what changes from configuration B to A; exit 3 when more than PERCENT of the keys change
          orleans-router --inspect-queue [--env-file FILE]... [--json] [--top N] [--show-chat-ids]
              the queues of the running cluster: per silo, and its busiest chats
          orleans-router --print-lock-hash
              the SHA-256 of the lock files this build was restored from

          --env-file FILE   configuration as KEY=value lines; repeatable, a later file wins; the environment wins over all
          --digest DIGEST   the image digest to record in the deploy.audit event (else IMAGE_DIGEST)
          --otel            export traces and metrics over OTLP, to OTEL_EXPORTER_OTLP_ENDPOINT or else to
                            http://127.0.0.1:4318 (setting OTEL_EXPORTER_OTLP_ENDPOINT does the same without it)
          --emit-metrics stdout
                            print a snapshot of every metric as JSON lines on stdout every METRICS_EMIT_SECONDS
                            (the same as METRICS_EMIT=stdout)
          -h, --help        this help

        Every setting is an environment variable; .env.example lists them all.
        """;

    public RouterMode Mode { get; init; } = RouterMode.Run;

    public IReadOnlyList<string> EnvFiles { get; init; } = [];

    public string? Against { get; init; }

    /// <summary>The largest share of changed keys <c>--diff-config</c> accepts, from 0 to 1.</summary>
    public double? MaxDiff { get; init; }

    public string? Digest { get; init; }

    public bool Otel { get; init; }

    /// <summary>Where <c>--emit-metrics</c> sends snapshots: only <c>stdout</c> is known.</summary>
    public string? EmitMetrics { get; init; }

    public bool Json { get; init; }

    public bool ShowChatIds { get; init; }

    public int Top { get; init; } = 10;

    /// <summary>Why the arguments could not be read, when they could not.</summary>
    public string? Error { get; init; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var command = new CommandLine();
        var envFiles = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = Split(args[i]);
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new FormatException($"{name} needs a value");
                }

                return args[++i];
            }

            try
            {
                command = name switch
                {
                    "-h" or "--help" => command with { Mode = RouterMode.Help },
                    "--check-config" => WithMode(command, RouterMode.CheckConfig),
                    "--diff-config" => WithMode(command, RouterMode.DiffConfig),
                    "--inspect-queue" => WithMode(command, RouterMode.InspectQueue),
                    "--print-lock-hash" => WithMode(command, RouterMode.PrintLockHash),
                    "--env-file" => command with { EnvFiles = [.. envFiles.Append(Value())] },
                    "--against" => command with { Against = Value() },
                    "--max-diff" => command with { MaxDiff = Percent(Value()) },
                    "--digest" => command with { Digest = Value() },
                    "--top" => command with { Top = Positive(Value()) },
                    "--json" => command with { Json = true },
                    "--otel" => command with { Otel = true },
                    "--emit-metrics" => command with { EmitMetrics = Value() is "stdout" ? "stdout" : throw new FormatException("--emit-metrics takes stdout") },
                    "--show-chat-ids" => command with { ShowChatIds = true },
                    _ => throw new FormatException($"unknown argument '{args[i]}'"),
                };
                envFiles = [.. command.EnvFiles];
            }
            catch (FormatException e)
            {
                return command with { Mode = RouterMode.Invalid, Error = e.Message };
            }
        }

        return Validate(command);
    }

    private static CommandLine Validate(CommandLine command) => command switch
    {
        { Mode: RouterMode.Help or RouterMode.Invalid } => command,
        { Mode: RouterMode.DiffConfig, EnvFiles.Count: not 1 } or { Mode: RouterMode.DiffConfig, Against: null } =>
            command with { Mode = RouterMode.Invalid, Error = "--diff-config needs one --env-file and one --against" },
        { Mode: not RouterMode.DiffConfig, Against: not null } or { Mode: not RouterMode.DiffConfig, MaxDiff: not null } =>
            command with { Mode = RouterMode.Invalid, Error = "--against and --max-diff go with --diff-config" },
        { Mode: not RouterMode.Run, Digest: not null } => command with { Mode = RouterMode.Invalid, Error = "--digest goes with running a silo" },
        { Mode: not (RouterMode.Run or RouterMode.CheckConfig), EmitMetrics: not null } =>
            command with { Mode = RouterMode.Invalid, Error = "--emit-metrics goes with running a silo or --check-config" },
        { Mode: not (RouterMode.Run or RouterMode.CheckConfig), Otel: true } =>
            command with { Mode = RouterMode.Invalid, Error = "--otel goes with running a silo or --check-config" },
        _ => command,
    };

    private static CommandLine WithMode(CommandLine command, RouterMode mode) =>
        command.Mode is RouterMode.Run or RouterMode.Help
            ? command with { Mode = command.Mode == RouterMode.Help ? RouterMode.Help : mode }
            : throw new FormatException("give one of --check-config, --diff-config, --inspect-queue, --print-lock-hash");

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    /// <summary>"5%", "5" or "0.05%": a share from 0 to 1.</summary>
    private static double Percent(string text)
    {
        var number = text.TrimEnd('%');
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100
            ? percent / 100
            : throw new FormatException($"--max-diff takes a percentage from 0 to 100, e.g. 5%, not '{text}'");
    }

    private static int Positive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new FormatException($"--top takes a whole number above zero, not '{text}'");
}

public enum RouterMode
{
    Run,
    CheckConfig,
    DiffConfig,
    InspectQueue,
    PrintLockHash,
    Help,
    Invalid,
}

/// <summary>How the router's commands end.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;

    /// <summary>Bad arguments or an invalid configuration.</summary>
    public const int Invalid = 2;

    /// <summary>The configurations differ by more than <c>--max-diff</c>.</summary>
    public const int TooDifferent = 3;
}
