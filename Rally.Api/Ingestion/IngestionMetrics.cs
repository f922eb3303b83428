using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rally.Api.Problems;

namespace Rally.Api.Ingestion;

/// <summary>
/// Meter <c>Rally.Ingestion</c>: events accepted, duplicates, and events refused by reason (the problem type's
/// slug, e.g. <c>invalid-event</c>, <c>not-enrolled</c>, <c>batch-too-large</c>). No study or participant in tags.
/// </summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "Rally.Ingestion";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _refused;

    public IngestionMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("rally.events.accepted", "{event}", "Events accepted for storage (202)");
        _duplicates = meter.CreateCounter<long>("rally.events.duplicates", "{event}", "Events of accepted uploads that the batch repeated or that were acknowledged lately");
        _refused = meter.CreateCounter<long>("rally.events.refused", "{upload}", "Uploads refused, by reason");
    }

    public void Accepted(UploadResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _accepted.Add(response.Accepted);
        _duplicates.Add(response.Duplicates);
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Marks the upload route, so that refusals raised as exceptions are counted too (<see cref="RallyExceptionHandler"/>).</summary>
    public sealed class UploadRoute;

    /// <summary>Counts what the upload handler answered.</summary>
    internal sealed class Filter(IngestionMetrics metrics) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var result = await next(context);
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            switch (inner)
            {
                case Accepted<UploadResponse> { Value: { } accepted }:
                    metrics.Accepted(accepted);
                    break;
                case IValueHttpResult { Value: ProblemDetails { Type: { } type } }:
                    metrics.Refused(type.StartsWith(ProblemType.UriPrefix, StringComparison.Ordinal) ? type[ProblemType.UriPrefix.Length..] : "other");
                    break;
                case IStatusCodeHttpResult { StatusCode: >= 400 } status:
                    metrics.Refused("status-" + status.StatusCode);
                    break;
            }
            return result;
        }
    }
}
