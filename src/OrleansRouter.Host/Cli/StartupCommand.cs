using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Cli;

/// <summary>Reads the arguments and the configuration; reports what is wrong and how the process must end if so.</summary>
public static class StartupCommand
{
    public const int InvalidUsage = 2;

    public static (RouterSettings? Settings, int ExitCode) Read(string[] args)
    {
        var (command, error) = CommandLine.Parse(args);
        if (command is null)
        {
            Console.Error.WriteLine($"orleans-router: {error}\n\n{CommandLine.Usage}");
            return (null, InvalidUsage);
        }

        if (command.ShowHelp)
        {
            Console.WriteLine(CommandLine.Usage);
            return (null, 0);
        }

        var (settings, problems) = RouterSettingsReader.Read(command.EnvFile, RouterSettingsReader.ProcessEnvironment());
        ConfigGuardLog.Write(RouterLogging.CreateBootstrapLogger(), problems);
        if (settings is null)
        {
            var errors = problems.Count(p => p.Severity == ProblemSeverity.Error);
            Console.Error.WriteLine($"orleans-router: the configuration has {errors} problem{(errors == 1 ? "" : "s")} (see the config.guard events); not starting.");
            return (null, InvalidUsage);
        }

        return (settings, 0);
    }
}
