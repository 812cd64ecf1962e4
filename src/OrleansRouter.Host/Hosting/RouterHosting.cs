using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Agents.Echo;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Privacy;
using OrleansRouter.Queues;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Stub;

namespace OrleansRouter.Host.Hosting;

/// <summary>The chapters of <c>Program.cs</c>: services, the silo, the endpoints.</summary>
public static class RouterHosting
{
    public static WebApplicationBuilder AddRouterServices(this WebApplicationBuilder builder, RouterSettings settings)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Personas);
        services.AddSingleton(settings.Queue);
        services.AddSingleton(new ChatIdHasher(settings.ChatIdHashSalt));
        services.AddSingleton<QueueGauge>();
        services.AddSingleton<GrainServices>();
        services.AddSingleton<RouterHealth>();

        services.AddHttpClient(A2AClient.HttpClientName, client =>
        {
            // A2AClient enforces A2A_TIMEOUT_SECONDS itself, across card lookup, send and polling.
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.MaxResponseContentBufferSize = 4 * 1024 * 1024;
        });
        services.AddSingleton(settings.A2A);
        services.AddSingleton<IAgentClient, A2AClient>();
        services.AddTelegramBot(settings.Telegram.Token, settings.Telegram.ApiBaseUrl);

        if (settings.Telegram.Mode == TransportMode.Stub)
        {
            services.AddSingleton(provider => new StubBotApi(settings.Telegram.Token, provider.GetRequiredService<TimeProvider>()));
        }

        if (settings.ServesEchoAgent)
        {
            services.AddEchoAgent();
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.Http.Address, settings.Http.Port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownDrain + TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// The Orleans silo, and the workers that live beside it. Clustering and storage are chosen here, in one place:
    /// localhost clustering and memory storage are the only providers in this build.
    /// </summary>
    public static WebApplicationBuilder UseRouterSilo(this WebApplicationBuilder builder, RouterSettings settings)
    {
        var cluster = settings.Cluster;
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId)
            .AddMemoryGrainStorage(StorageNames.Chats)
            .AddMemoryGrainStorage(StorageNames.Personas));

        // Registered after the silo, so they start once it runs and stop before it does.
        builder.Services.AddHostedService<UpdateIngress>();
        builder.Services.AddHostedService(provider => ActivatorUtilities.CreateInstance<HealthMonitor>(provider, settings.HealthProbeInterval));
        return builder;
    }

    public static WebApplication MapRouterEndpoints(this WebApplication app, RouterSettings settings)
    {
        app.MapHealthEndpoints();
        if (settings.Telegram.Mode == TransportMode.Stub)
        {
            app.MapStubBotApi();
        }

        if (settings.ServesEchoAgent)
        {
            app.MapEchoAgent();
        }

        var health = app.Services.GetRequiredService<RouterHealth>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRouter");
        HostLog.Starting(logger, settings.Environment.ToString().ToLowerInvariant(), settings.Telegram.Mode.ToString().ToLowerInvariant(),
            settings.Telegram.Ingress.ToString().ToLowerInvariant(), settings.Personas.All.Count(), settings.Http.ToString(), settings.Cluster.SiloPort);
        app.Lifetime.ApplicationStarted.Register(() => health.MoveTo(RouterState.Ready));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            health.MoveTo(RouterState.Draining);
            HostLog.Draining(logger, settings.ShutdownDrain.TotalSeconds);
        });
        return app;
    }
}
