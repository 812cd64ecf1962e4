using OrleansRouter.Host.Cli;
using OrleansRouter.Host.Hosting;
using OrleansRouter.Host.Telemetry;

var (settings, exitCode) = StartupCommand.Read(args);
if (settings is null)
{
    return exitCode;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.AddRouterLogging(settings);
builder.AddRouterServices(settings);
builder.UseRouterSilo(settings);

var app = builder.Build();
app.MapRouterEndpoints(settings);
await app.RunAsync();
return 0;
