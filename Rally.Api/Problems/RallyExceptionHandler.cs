using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Rally.Api.Ingestion;
using Rally.Grains.Refusals;

namespace Rally.Api.Problems;

/// <summary>
/// Turns the exceptions a request can meet into problem documents: a rule's refusal, a body that
/// cannot be read, a cluster that is briefly unreachable. Anything else stays a 500 and is logged.
/// </summary>
internal sealed partial class RallyExceptionHandler(IProblemDetailsService problems, ILogger<RallyExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (type, detail) = exception switch
        {
            RefusedException refused => (ProblemTypes.For(refused.Kind), refused.Message),
            BadHttpRequestException bad => Describe(bad),
            _ when Hosting.ClusterFailures.IsTransient(exception) || exception is GatewayTooBusyException or System.Data.Common.DbException
                => (ProblemTypes.Unavailable, "The service is briefly unavailable (a cluster member is changing); retry shortly."),
            _ => default,
        };
        if (type is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            return false;
        }
        // The middleware has cleared the endpoint by now; its feature keeps the one that failed.
        if (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IngestionMetrics.UploadRoute>() is not null)
        {
            httpContext.RequestServices.GetRequiredService<IngestionMetrics>().Refused(type.Slug);
        }
        if (type == ProblemTypes.Unavailable)
        {
            LogUnavailable(logger, exception.GetType().Name);
            httpContext.Response.Headers.RetryAfter = "2";
        }

        httpContext.Response.StatusCode = type.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = type.Create(detail!),
            Exception = exception,
        });
    }

    private static (ProblemType, string) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (ProblemTypes.BodyTooLarge, "The request body is larger than this route accepts.");
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (ProblemTypes.UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).");
        }
        return bad.InnerException is JsonException json
            ? (ProblemTypes.InvalidRequest, DescribeJson(json))
            : (ProblemTypes.InvalidRequest, bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                ? "The request body is missing or empty."
                : "A route or query value is not valid.");
    }

    /// <summary>Says what is wrong and where, without echoing CLR type names or the submitted value.</summary>
    private static string DescribeJson(JsonException json)
    {
        if (MissingProperties().Match(json.Message) is { Success: true } missing)
        {
            return $"Required properties are missing: {ProblemText.Quote(missing.Groups[1].Value)}.";
        }
        if (UnknownProperty().Match(json.Message) is { Success: true } unknown)
        {
            return $"Unknown property '{ProblemText.Quote(unknown.Groups[1].Value)}' at '{ProblemText.Quote(json.Path)}'.";
        }
        return json.Path is null or "$"
            ? "The request body is not valid JSON."
            : $"The value at '{ProblemText.Quote(json.Path)}' is missing, of the wrong type or not one of the allowed values.";
    }

    [GeneratedRegex(@"missing required properties including: (.+?)\.?\z", RegexOptions.CultureInvariant)]
    private static partial Regex MissingProperties();

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownProperty();

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Answered 503: the cluster did not take the call ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType);
}
