using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rally.Api.Hosting;

/// <summary>
/// Endpoints built from a bare request delegate (the health probes) are invisible to the API explorer, which
/// describes route handlers only. Those that describe themselves (a summary, see <c>MapRallyHealthChecks</c>) are
/// added to the document from their metadata, so the reference lists every route a client may call.
/// </summary>
internal sealed class DelegateEndpointTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var metadata = endpoint.Metadata;
            if (metadata.GetMetadata<MethodInfo>() is not null
                || metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
                || metadata.GetMetadata<IEndpointSummaryMetadata>() is not { } summary)
            {
                continue;
            }
            document.Paths ??= [];
            var path = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (!document.Paths.TryGetValue(path, out var item) || item is not OpenApiPathItem pathItem)
            {
                pathItem = new OpenApiPathItem();
                document.Paths[path] = pathItem;
            }
            pathItem.Operations ??= [];
            // A health-check endpoint answers any method; probes use GET.
            foreach (var method in metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get])
            {
                pathItem.Operations[HttpMethod.Parse(method)] = Describe(metadata, summary, document);
            }
        }
        return Task.CompletedTask;
    }

    private static OpenApiOperation Describe(EndpointMetadataCollection metadata, IEndpointSummaryMetadata summary, OpenApiDocument document)
    {
        var operation = new OpenApiOperation
        {
            Summary = summary.Summary,
            Description = metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
            OperationId = metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            Tags = new HashSet<OpenApiTagReference>(
                metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags).Distinct().Select(t => new OpenApiTagReference(t, document))),
            Responses = [],
        };
        foreach (var produces in metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
        {
            operation.Responses[produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = produces.Description,
                Content = produces.ContentTypes.ToDictionary(c => c, _ => new OpenApiMediaType
                {
                    Schema = produces.Type == typeof(string) ? new OpenApiSchema { Type = JsonSchemaType.String } : null,
                }),
            };
        }
        return operation;
    }
}
