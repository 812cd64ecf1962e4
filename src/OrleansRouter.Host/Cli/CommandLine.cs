namespace OrleansRouter.Host.Cli;

/// <summary>What the router was asked to do, read from its arguments.</summary>
public sealed record CommandLine(string? EnvFile, bool ShowHelp)
{
    public const string Usage = """
        Usage: orleans-router [--env-file FILE]

          --env-file FILE   read configuration from FILE (KEY=value lines); the process environment wins over it
          -h, --help        show this help

        Every setting is an environment variable; .env.example lists them all.
        """;

    public static (CommandLine? Command, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? envFile = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    return (new CommandLine(null, ShowHelp: true), null);
                case "--env-file" when i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    envFile = args[++i];
                    break;
                case "--env-file":
                    return (null, "--env-file needs a file path");
                case not null when arg.StartsWith("--env-file=", StringComparison.Ordinal):
                    envFile = arg["--env-file=".Length..];
                    break;
                default:
                    return (null, $"unknown argument '{arg}'");
            }
        }

        return (new CommandLine(envFile, ShowHelp: false), null);
    }
}
