using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Host.Cli;

/// <summary>Reads the configuration for a silo; reports what is wrong, and gives no settings if anything is.</summary>
public static class StartupCommand
{
    public static RouterSettings? ReadSettings(CommandLine command, DateTimeOffset now)
    {
        var reading = ConfigCommands.Read(command.EnvFiles, now, command.Digest, command.Otel, command.EmitMetrics);
        ConfigGuardLog.Write(RouterLogging.CreateBootstrapLogger(reading.Manifest.Hash), reading.Problems);
        if (reading.Settings is null)
        {
            Console.Error.WriteLine($"orleans-router: the configuration has {reading.Errors} problem{(reading.Errors == 1 ? "" : "s")} (see the config.guard events); not starting.");
        }

        return reading.Settings;
    }

    /// <summary>
    /// A port the silo needs is taken, most often by another silo on this machine: one clear line instead of a
    /// stack trace. Null when <paramref name="failure"/> is something else.
    /// </summary>
    public static int? PortInUse(Exception failure, RouterSettings settings)
    {
        var inUse = Causes(failure).OfType<System.Net.Sockets.SocketException>().FirstOrDefault(e => e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse);
        if (inUse is null)
        {
            return null;
        }

        Console.Error.WriteLine(
            $"orleans-router: a port this silo needs is already in use (HTTP_ENDPOINT {settings.Http}, SILO_PORT {settings.Cluster.SiloPort}, " +
            $"GATEWAY_PORT {settings.Cluster.GatewayPort}): {inUse.Message}. Is another silo running here? Give this one other ports.");
        return ExitCodes.Failed;
    }

    private static IEnumerable<Exception> Causes(Exception failure)
    {
        var pending = new Stack<Exception>([failure]);
        while (pending.TryPop(out var next))
        {
            yield return next;
            foreach (var inner in next is AggregateException aggregate ? aggregate.InnerExceptions : next.InnerException is { } single ? [single] : [])
            {
                pending.Push(inner);
            }
        }
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
