namespace Rally.Grains.Ingestion;

/// <summary>The stream that carries uploaded study data from the API fronts to the per-study sinks.</summary>
public static class RallyStreams
{
    /// <summary>The stream provider: Orleans' ADO.NET streams on PostgreSQL, memory streams in the embedded default.</summary>
    public const string Provider = "rally-events";

    /// <summary>A few streams per study in this namespace, keyed <c>&lt;study id&gt;/&lt;shard&gt;</c>; each item is one uploaded batch.</summary>
    public const string StudyEventsNamespace = "study-events";

    /// <summary>
    /// One of the study's streams. A stream's items are delivered one after another, so a study's data is
    /// spread over several streams (and so queues and sinks) to be written in parallel; a participant keeps
    /// to one of them.
    /// </summary>
    public static StreamId ForStudy(string studyId, int shard) =>
        StreamId.Create(StudyEventsNamespace, $"{studyId}/{shard.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
