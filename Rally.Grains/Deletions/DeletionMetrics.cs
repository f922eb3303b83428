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

    public void Requested(string status) => _requested.Add(1, new KeyValuePair<string, object?>("status", status));

    public void Completed(string from, TimeSpan? waited)
    {
        _completed.Add(1, new KeyValuePair<string, object?>("status", from));
        if (waited is { } w)
        {
            _duration.Record(w.TotalSeconds);
        }
    }

    public void Deferred() => _deferred.Add(1);
}
