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
            var answer = agent.Answer(body, context.Request.Headers["A2A-Version"].FirstOrDefault());
            if (answer.Events is not { } events)
            {
                return Results.Json(answer.Response);
            }

            await StreamAsync(context, events);
            return Results.Empty;
        });
        return endpoints;
    }

    public static IServiceCollection AddEchoAgent(this IServiceCollection services) => services.AddSingleton<EchoAgent>();

    /// <summary>Server-sent events, one JSON-RPC response each, a word's pause apart.</summary>
    private static async Task StreamAsync(HttpContext context, IReadOnlyList<System.Text.Json.Nodes.JsonObject> events)
    {
        context.Response.ContentType = "text/event-stream";
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (i > 1)
                {
                    await Task.Delay(EchoAgent.WordPause, context.RequestAborted);
                }

                await context.Response.WriteAsync($"data: {events[i].ToJsonString()}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private static Uri EndpointOf(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}{Path}");
}
