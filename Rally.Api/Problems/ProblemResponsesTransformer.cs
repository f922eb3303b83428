using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Rally.Api.Hosting;
using Rally.Api.Studies;

namespace Rally.Api.Problems;

/// <summary>
/// Lists, on every operation, each problem it can answer: one response per status, <c>application/problem+json</c>
/// with the <c>Problem</c> schema, naming the problem types (slugs) and giving an example of each. Besides what a route
/// declares (<see cref="ProblemRoutes.Refuses"/>), some problems follow from what the route is: a credential
/// (<c>401</c>, <c>403</c>), a JSON body (<c>400</c>, <c>413</c>, <c>415</c>), a study in its path (<c>404</c>), a
/// call into the cluster (<c>503</c>), the rate limits (<c>429</c>). Clients generated from the document so get typed errors that carry <c>type</c>.
/// </summary>
internal sealed class ProblemResponsesTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemaName = "Problem";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[SchemaName] = ProblemSchema();
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var problems = Problems(operation, context.Description.ActionDescriptor.EndpointMetadata, context.Description.RelativePath ?? "");
        operation.Responses ??= [];
        foreach (var byStatus in problems.GroupBy(p => p.Status).OrderBy(g => g.Key))
        {
            operation.Responses[byStatus.Key.ToString(CultureInfo.InvariantCulture)] = Response([.. byStatus], context.Document);
        }
        return Task.CompletedTask;
    }

    private static List<ProblemType> Problems(OpenApiOperation operation, IList<object> metadata, string path)
    {
        var problems = new List<ProblemType>();
        if (operation.RequestBody is not null)
        {
            problems.AddRange([ProblemTypes.InvalidRequest, ProblemTypes.BodyTooLarge, ProblemTypes.UnsupportedMediaType]);
        }
        if (BearerSecurityTransformer.NeedsCredential(metadata))
        {
            // Every policy of Rally's routes is a role: a valid credential of another role is forbidden.
            problems.AddRange([ProblemTypes.Unauthorized, ProblemTypes.Forbidden]);
        }
        if (metadata.OfType<StudyAccessMetadata>().Any())
        {
            problems.Add(ProblemTypes.NotFound);
        }
        problems.AddRange(metadata.OfType<RefusalsMetadata>().SelectMany(r => r.Types));
        if (path.StartsWith("v1/", StringComparison.Ordinal))
        {
            // Every API route counts against the caller's rate limit (Rally:RateLimits); probes do not.
            problems.Add(ProblemTypes.TooManyRequests);
            problems.Add(ProblemTypes.Unavailable);
        }
        return [.. problems.Distinct()];
    }

    private static OpenApiResponse Response(IReadOnlyList<ProblemType> types, OpenApiDocument? document) => new()
    {
        Description = string.Join("\n", types.Select(t => $"- `{t.Slug}`: {t.Title}")),
        Headers = types.Contains(ProblemTypes.Unavailable) || types.Contains(ProblemTypes.TooManyRequests)
            ? new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                },
            }
            : null,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new()
            {
                Schema = new OpenApiSchemaReference(SchemaName, document),
                Examples = types.ToDictionary(t => t.Slug, t => (IOpenApiExample)new OpenApiExample
                {
                    Summary = t.Title,
                    Value = new JsonObject
                    {
                        ["type"] = t.Uri,
                        ["title"] = t.Title,
                        ["status"] = t.Status,
                        ["detail"] = "What was wrong with this request, for a person to read.",
                    },
                }),
            },
        },
    };

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem document. Branch on `type`, never on the wording of `title` or `detail`.",
        Required = new HashSet<string> { "type", "title", "status" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "`urn:rally:problem:<slug>`: stable, part of the contract.",
                Enum = [.. ProblemTypes.All.Select(t => (JsonNode)JsonValue.Create(t.Uri))],
            },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What kind of problem this is; the same for every problem of its type." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What was wrong this time, for a person to read." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's path." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Finds the request in the logs." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "`invalid-request` on a body that breaks a field's rules: the messages, by the field's JSON path.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["eventIndex"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "`invalid-event`: the offending event's index in `events`." },
            ["eventId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "`invalid-event`: the offending event's `id`." },
        },
    };
}
