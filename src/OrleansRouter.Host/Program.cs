using OrleansRouter.Host.Cli;
using OrleansRouter.Host.Hosting;
using OrleansRouter.Host.Telemetry;

var command = CommandLine.Parse(args);
return command.Mode switch
{
    RouterMode.Run => await RunSiloAsync(command),
    RouterMode.CheckConfig => ConfigCommands.CheckConfig(command, DateTimeOffset.UtcNow),
    RouterMode.DiffConfig => ConfigCommands.DiffConfig(command, DateTimeOffset.UtcNow),
    RouterMode.InspectQueue => await QueueInspection.RunAsync(command, DateTimeOffset.UtcNow),
    RouterMode.PrintLockHash => LockHash.Print(),
    RouterMode.Help => StartupCommand.Help(),
    _ => StartupCommand.UsageError(command),
};

static async Task<int> RunSiloAsync(CommandLine command)
{
    if (StartupCommand.ReadSettings(command, DateTimeOffset.UtcNow) is not { } settings)
    {
        return ExitCodes.Invalid;
    }

    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
    builder.AddRouterLogging(settings);
    builder.AddRouterTelemetry(settings);
    builder.AddRouterServices(settings);
    builder.UseRouterSilo(settings);

    var app = builder.Build();
    app.MapRouterEndpoints(settings);
    try
    {
        await app.RunAsync();
    }
    catch (Exception e) when (StartupCommand.PortInUse(e, settings) is { } exitCode)
    {
        return exitCode;
    }

    return ExitCodes.Ok;
}
