using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rally.Api.Hosting;

/// <summary>
/// A request field that is read only to be refused with a clear message, so the API document leaves it out: clients
/// generated from it never offer to send it (<see cref="Transformer"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotInApiDocumentAttribute : Attribute
{
    /// <summary>Removes the marked properties from the schemas of their types.</summary>
    internal sealed class Transformer : IOpenApiSchemaTransformer
    {
        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            if (context.JsonPropertyInfo is null && schema.Properties is { } properties)
            {
                foreach (var property in context.JsonTypeInfo.Properties)
                {
                    if (property.AttributeProvider?.IsDefined(typeof(NotInApiDocumentAttribute), inherit: false) == true)
                    {
                        properties.Remove(property.Name);
                        schema.Required?.Remove(property.Name);
                    }
                }
            }
            return Task.CompletedTask;
        }
    }
}
