using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rally.Api.Problems;

public static class ProblemsExtensions
{
    /// <summary>Every error, from a handler, the framework or Kestrel, leaves as an RFC 9457 problem with a Rally type.</summary>
    public static IServiceCollection AddRallyProblems(this IServiceCollection services)
    {
        // Ahead of the framework's writer, which AddProblemDetails registers: problems are JSON whatever the client accepts.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemJsonWriter>());
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (problem.Type is null || !problem.Type.StartsWith(ProblemType.UriPrefix, StringComparison.Ordinal))
            {
                var type = ProblemTypes.ForStatus(status);
                problem.Type = type.Uri;
                problem.Title = type.Title;
                problem.Detail ??= status == 400 && problem is HttpValidationProblemDetails
                    ? "One or more fields are not valid; see errors."
                    : type.Title;
            }
            if (problem is HttpValidationProblemDetails validation)
            {
                // Name fields as the JSON does (camelCase), path by path.
                validation.Errors = validation.Errors.ToDictionary(e => ToJsonPath(e.Key), e => e.Value);
            }
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<RallyExceptionHandler>();
        // Binding failures are thrown so that RallyExceptionHandler can say what was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    private static string ToJsonPath(string memberPath) =>
        string.Join('.', memberPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    public static WebApplication UseRallyProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
