using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Ingress;

public static class IngressRegistration
{
    /// <summary>What both ingresses share besides the acceptor: the strangers' gate and its sender, and the quarantine.</summary>
    public static IServiceCollection AddRouterIngress(this IServiceCollection services, RouterSettings settings)
    {
        services.AddSingleton(settings.Ingress);
        services.AddSingleton<StrangerGate>();
        services.AddSingleton<UpdateQuarantine>();
        services.AddHostedService<StrangerRefusalSender>();
        return services;
    }
}
