using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Ingestion;

/// <summary>
/// How a silo's study sinks write to the event store, bound from <c>Rally:Sinks</c>. Every sink of a silo hands
/// its batches to one <see cref="StudyEventWriter"/>, which writes whatever has gathered as one transaction
/// (group commit): a flush starts when <see cref="FlushEvents"/> events are waiting, or when the oldest waiting
/// batch has waited <see cref="FlushDelay"/>. A sink's delivery completes only after its flush commits.
/// </summary>
public sealed class StudySinkOptions
{
    public const string Section = "Rally:Sinks";

    /// <summary>Events that start a flush at once (a flush may hold slightly more: batches are not split). Default 2,000.</summary>
    [Range(1, 1_000_000)]
    public int FlushEvents { get; set; } = 2000;

    /// <summary>The longest a batch waits for others to share its transaction. Default 10 ms; zero writes every batch as it comes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Flushes a silo runs at the same time. Default 2.</summary>
    [Range(1, 64)]
    public int ConcurrentFlushes { get; set; } = 2;
}
