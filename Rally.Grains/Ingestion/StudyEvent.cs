namespace Rally.Grains.Ingestion;

/// <summary>
/// One event as the add-on sent it. Its payload, a compact JWE the backend cannot read, travels and is stored as
/// <see cref="Jwe"/>, its bytes (<see cref="JweBytes"/>: a quarter smaller than the text); <see cref="Payload"/> gives
/// the text back exactly as uploaded.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.study-event")]
public sealed record StudyEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CollectedAt,
    [property: Id(3)] bool PrivateWindow,
    [property: Id(5)] byte[] Jwe)
{
    public StudyEvent(Guid id, string type, DateTimeOffset collectedAt, bool privateWindow, string payload)
        : this(id, type, collectedAt, privateWindow, JweBytes.Pack(payload))
    {
    }

    /// <summary>
    /// The payload as text, in batches queued by versions before JWEs travelled as bytes (they have no <see cref="Jwe"/>).
    /// </summary>
    [Id(4)]
    public string? QueuedText { get; init; }

    /// <summary>The JWE's bytes, whichever version queued the event.</summary>
    public byte[] PackedJwe => Jwe ?? JweBytes.Pack(QueuedText ?? throw new InvalidOperationException($"Event {Id} carries no payload."));

    /// <summary>The JWE as uploaded.</summary>
    public string Payload => Jwe is null ? QueuedText ?? throw new InvalidOperationException($"Event {Id} carries no payload.") : JweBytes.Unpack(Jwe);
}
