using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Cli;

/// <summary>Reads the configuration for a silo; reports what is wrong, and gives no settings if anything is.</summary>
public static class StartupCommand
{
    public static RouterSettings? ReadSettings(CommandLine command, DateTimeOffset now)
    {
        var reading = ConfigCommands.Read(command.EnvFiles, command.Digest, now);
        ConfigGuardLog.Write(RouterLogging.CreateBootstrapLogger(reading.Manifest.Hash), reading.Problems);
        if (reading.Settings is null)
        {
            Console.Error.WriteLine($"orleans-router: the configuration has {reading.Errors} problem{(reading.Errors == 1 ? "" : "s")} (see the config.guard events); not starting.");
        }

        return reading.Settings;
    }

    public static int Help()
    {
        Console.WriteLine(CommandLine.Usage);
        return ExitCodes.Ok;
    }

    public static int UsageError(CommandLine command)
    {
        Console.Error.WriteLine($"orleans-router: {command.Error}\n\n{CommandLine.Usage}");
        return ExitCodes.Invalid;
    }
}
