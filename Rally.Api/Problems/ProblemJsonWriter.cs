using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Rally.Api.Problems;

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the request's <c>Accept</c> says. ASP.NET Core's
/// own writer declines a client that does not accept JSON (a browser's <c>text/html</c>, the export client's
/// <c>application/x-ndjson</c>), which left refusals with no writer and turned them into 500s. Registered ahead of it,
/// this one answers every problem the same way: Rally has no other representation of an error to offer.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public const string MediaType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), jsonOptions.Value.SerializerOptions, MediaType, http.RequestAborted));
    }
}
