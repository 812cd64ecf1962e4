using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Agents.Echo;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Host.Cli;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Dashboard;
using OrleansRouter.Host.Health;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Host.Telemetry;
using OrleansRouter.Privacy;
using OrleansRouter.Queues;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Stub;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Host.Hosting;

/// <summary>The chapters of <c>Program.cs</c>: services, the silo, the endpoints.</summary>
public static class RouterHosting
{
    public static WebApplicationBuilder AddRouterServices(this WebApplicationBuilder builder, RouterSettings settings)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        // No HttpClient logs through the client factory: its scopes cost on every call, and Telegram's request lines
        // would carry the bot token in the URL. The agent client and the sender log what matters themselves.
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers());
        services.AddSingleton(settings);
        services.AddSingleton(settings.Personas);
        services.AddSingleton(settings.Queue);
        services.AddSingleton(settings.Chats.Commands);
        services.AddSingleton(settings.Telegram);
        services.AddSingleton(settings.Cluster);
        services.AddSingleton(settings.Health);
        services.AddSingleton(new ChatIdHasher(settings.ChatIdHashSalt));
        services.AddSingleton<QueueGauge>();
        services.AddSingleton<RouterMetrics>();
        services.AddSingleton<DrainSignal>();
        var push = settings.Streaming.PushUrl is { } pushUrl ? new PushAddresses(pushUrl, settings.ChatIdHashSalt) : null;
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<GrainDependencies>(provider, settings.Cluster.ChatReminderPeriod) with
        {
            Streaming = settings.Streaming,
            Push = push,
            Media = settings.Media,
        });
        if (push is not null)
        {
            services.AddSingleton(push);
        }

        services.AddSingleton<RouterHealth>();
        services.AddOperatorAccess(settings.Dashboard);
        services.AddSingleton<HealthAudience>();
        services.AddSingleton<HealthReport>();
        services.AddSingleton<UpdateAcceptor>();
        services.AddRouterIngress(settings);
        services.AddSingleton<IStorageProbe>(provider => settings.Cluster.Storage == StorageMode.Redis ? ActivatorUtilities.CreateInstance<RedisStorageProbe>(provider) : new MemoryStorageProbe());

        services.AddA2AHttpClient();
        services.AddSingleton(settings.A2A);
        services.AddSingleton<IAgentClient, A2AClient>();
        services.AddTelegramBot(settings.Telegram.Token, settings.Telegram.ApiBaseUrl, settings.Telegram.Pacing);

        if (settings.Telegram.Mode == TransportMode.Stub)
        {
            services.AddSingleton(provider => new StubBotApi(settings.Telegram.Token, provider.GetRequiredService<TimeProvider>()));
        }

        if (settings.ServesEchoAgent)
        {
            services.AddEchoAgent();
        }

        builder.WebHost.ConfigureKestrel(kestrel => SidePorts.Listen(kestrel, settings));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownDrain + TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// The Orleans silo, and the workers that live beside it. Clustering and storage are chosen in
    /// <see cref="SiloProviders"/>: localhost and memory for development, Redis for a cluster.
    /// </summary>
    public static WebApplicationBuilder UseRouterSilo(this WebApplicationBuilder builder, RouterSettings settings)
    {
        builder.UseOrleans(silo =>
        {
            silo.UseRouterClustering(settings.Cluster)
                .UseRouterTls(settings.Cluster)
                .AddRouterStorage(settings.Cluster)
                .UseRouterVersioning();
            if (settings.Dashboard is { } dashboard)
            {
                silo.AddRouterDashboard(dashboard);
            }

            if (settings.Otlp is not null)
            {
                silo.AddActivityPropagation();
            }
        });

        // Registered after the silo, so they start once it runs and stop before it does; the warm-up first, so the
        // poller takes its first update warm.
        var services = builder.Services;
        services.AddHostedService<SiloWarmUp>();
        services.AddHostedService<PendingChatWaker>();
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<PollerLeaseKeeper>(
            provider, provider.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(), settings.Telegram.PollerLease));
        if (settings.Telegram.Ingress == IngressMode.Polling)
        {
            services.AddHostedService<PollingIngress>();
        }
        else if (settings.Telegram.Active)
        {
            services.AddHostedService<WebhookRegistration>();
        }

        if (settings.Telegram.Active)
        {
            services.AddHostedService<BotCommandsRegistration>();
        }

        services.AddHostedService<HealthMonitor>();
        services.AddHostedService<HealthTicker>();
        services.AddHostedService<SendShareReporter>();
        services.AddHostedService<DrainCoordinator>();
        return builder;
    }

    public static WebApplication MapRouterEndpoints(this WebApplication app, RouterSettings settings)
    {
        app.UseSidePorts(settings);
        if (settings.Dashboard is { } dashboard)
        {
            app.MapRouterDashboard(dashboard);
        }

        app.MapRouterMetrics(settings);
        app.MapHealthEndpoints();
        if (settings.Telegram.Mode == TransportMode.Stub)
        {
            app.MapStubBotApi();
        }

        // Only local serves the echo agent (the config guard refuses builtin:echo elsewhere): it answers anyone.
        if (settings.ServesEchoAgent && settings.Environment == RouterEnvironment.Local)
        {
            app.MapEchoAgent();
        }

        if (settings.Telegram.Ingress == IngressMode.Webhook)
        {
            app.MapWebhookIngress(settings.Telegram);
        }

        if (app.Services.GetService<PushAddresses>() is { } push)
        {
            app.MapPushIngress(push, settings.A2A.MaxResponseBytes);
        }

        var health = app.Services.GetRequiredService<RouterHealth>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRouter");
        HostLog.Starting(logger, settings.Environment.ToString().ToLowerInvariant(), settings.Cluster.ClusterId, settings.Telegram.Mode.ToString().ToLowerInvariant(),
            settings.Telegram.Ingress.ToString().ToLowerInvariant(), settings.Personas.All.Count(), settings.Http.ToString(), settings.Cluster.SiloPort);
        var audit = settings.Audit;
        HostLog.DeployAudit(logger, audit.ImageDigest, audit.BuildSha, LockHash.Value, settings.ManifestHash, audit.OperatorId, audit.ApproverId, audit.SecretVersions);
        app.Lifetime.ApplicationStarted.Register(() => health.MoveTo(RouterState.Ready));
        return app;
    }
}
