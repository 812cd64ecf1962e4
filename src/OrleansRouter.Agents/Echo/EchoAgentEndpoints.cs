using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRouter.Agents.Echo;

public static class EchoAgentEndpoints
{
    /// <summary>Where the echo agent is served on the router's HTTP endpoint.</summary>
    public const string Path = "/agents/echo";

    public static IEndpointRouteBuilder MapEchoAgent(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path);
        group.MapGet("/.well-known/agent-card.json", (HttpContext context) => Results.Json(EchoAgent.Card(EndpointOf(context.Request))));
        group.MapPost("/", async (HttpContext context, EchoAgent agent) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return Results.Json(agent.Answer(body, context.Request.Headers["A2A-Version"].FirstOrDefault()));
        });
        return endpoints;
    }

    public static IServiceCollection AddEchoAgent(this IServiceCollection services) => services.AddSingleton<EchoAgent>();

    private static Uri EndpointOf(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}{Path}");
}
