namespace Rally.Grains.Ingestion;

/// <summary>An event as the study's store holds it; <see cref="Cursor"/> orders a study's events for resumable export.</summary>
public sealed record StoredEvent(
    Guid Id,
    string Participant,
    string Type,
    DateTimeOffset CollectedAt,
    DateTimeOffset ReceivedAt,
    bool PrivateWindow,
    string Payload,
    EventCursor Cursor);
