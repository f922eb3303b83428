using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// Records every error status a test front answered, by the operation (its <c>operationId</c>) that answered it, so that
/// the collection can check at its end that each one is documented on that operation in <c>docs/openapi.json</c>:
/// the tests' own traffic keeps the contract's list of problems honest.
/// </summary>
public sealed class ProblemRecorder : IStartupFilter
{
    private readonly ConcurrentDictionary<(string Operation, int Status), string> _seen = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, call) =>
        {
            await call(context);
            // A refusal thrown by a grain is answered by the exception handler, which clears the endpoint but keeps it in its feature.
            var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            if (context.Response.StatusCode >= 400
                && endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } operation)
            {
                _seen.TryAdd((operation, context.Response.StatusCode), $"{context.Request.Method} {context.Request.Path}");
            }
        });
        next(app);
    };

    /// <summary>The statuses answered that <c>docs/openapi.json</c> does not list on their operation, one line each.</summary>
    public IReadOnlyList<string> Undocumented()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RallyRepository.Root, "docs", "openapi.json")))!;
        var documented = (from path in document["paths"]!.AsObject()
                          from operation in path.Value!.AsObject()
                          where operation.Value?["operationId"] is not null
                          from response in operation.Value!["responses"]!.AsObject()
                          select ((string)operation.Value!["operationId"]!, response.Key)).ToHashSet();
        return [.. _seen
            .Where(seen => !documented.Contains((seen.Key.Operation, seen.Key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .Select(seen => $"{seen.Key.Operation} answered {seen.Key.Status} (e.g. to {seen.Value})")
            .Order(StringComparer.Ordinal)];
    }
}
