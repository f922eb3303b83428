namespace Rally.Grains.Ingestion;

/// <summary>How many events a study holds, by declared type and by UTC day of collection.</summary>
public sealed record StudyEventStats(
    IReadOnlyDictionary<string, long> EventsByType,
    IReadOnlyDictionary<DateOnly, long> EventsByDay);
