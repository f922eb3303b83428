using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Rally.Api.Ingestion;
using Rally.Api.Problems;
using Rally.Silo.Configuration;
using Scalar.AspNetCore;

namespace Rally.Api.Hosting;

public static class HttpHostingExtensions
{
    /// <summary>Strict JSON, request limits, validation and the OpenAPI document, written as the API's manual.</summary>
    public static WebApplicationBuilder AddRallyHttp(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<IngestionMetrics>();
        builder.Services.AddRallyOptions<IngestionOptions>(builder.Configuration, IngestionOptions.Section);
        builder.Services.AddRallyOptions<ApiOptions>(builder.Configuration, ApiOptions.Section);
        builder.Services.AddRallyPrivacy(builder.Configuration);
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(services =>
            new ConfigureOptions<KestrelServerOptions>(kestrel =>
                kestrel.Limits.MaxRequestBodySize = services.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes));

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Unknown fields, nulls where a value is required and missing required fields are refused,
            // not silently ignored: a typo in a consent or a profile must not pass unnoticed.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        builder.Services.AddValidation();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<DelegateEndpointTransformer>();
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddSchemaTransformer<NotInApiDocumentAttribute.Transformer>();
            var bearer = new BearerSecurityTransformer();
            o.AddDocumentTransformer(bearer);
            o.AddOperationTransformer(bearer);
            var problems = new ProblemResponsesTransformer();
            o.AddDocumentTransformer(problems);
            o.AddOperationTransformer(problems);
        });
        return builder;
    }

    public static WebApplication MapRallyApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
