using System.Diagnostics.Metrics;

namespace Rally.Grains.Deletions;

/// <summary>
/// Meter <c>Rally.Deletions</c>: deletion requests as they are recorded (by status: <c>pending</c> or <c>locked</c>;
/// requests to a study whose raw data is already gone are recorded <c>completed</c>), as they complete, and attempts
/// the store turned away. Requests recorded pending minus those completed is the work outstanding.
/// </summary>
public sealed class DeletionMetrics
{
    public const string MeterName = "Rally.Deletions";

    private readonly Counter<long> _requested;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _deferred;
    private readonly Histogram<double> _duration;

    public DeletionMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _requested = meter.CreateCounter<long>("rally.deletions.requested", "{request}", "Deletion requests recorded, by status at recording");
        _completed = meter.CreateCounter<long>("rally.deletions.completed", "{request}", "Deletion requests completed, by the status they completed from");
        _deferred = meter.CreateCounter<long>("rally.deletions.deferred", "{attempt}", "Attempts at a study's deletions that failed and wait for the retry reminder");
        _duration = meter.CreateHistogram<double>("rally.deletions.duration", "s", "Time from a pending request to its completion");
    }

    public void Requested(DeletionStatus status) => _requested.Add(1, Tag(status));

    /// <summary>A request left <paramref name="from"/>; the time it took is recorded for pending ones (locked ones wait on the study's analysis).</summary>
    public void Completed(DeletionStatus from, DateTimeOffset requestedAt, DateTimeOffset completedAt)
    {
        _completed.Add(1, Tag(from));
        if (from == DeletionStatus.Pending)
        {
            _duration.Record((completedAt - requestedAt).TotalSeconds);
        }
    }

    public void Deferred() => _deferred.Add(1);

    private static KeyValuePair<string, object?> Tag(DeletionStatus status) => new("status", status.ToString().ToLowerInvariant());
}
