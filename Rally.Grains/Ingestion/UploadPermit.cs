namespace Rally.Grains.Ingestion;

/// <summary>
/// A participant may upload to a study now: under this pseudonym, by these rules; <see cref="Acknowledged"/> holds those
/// of the asked event ids that were acknowledged to this enrollment recently (see <c>RecentUploads</c>); null from a silo
/// of the version before, read as none.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.upload-permit")]
public sealed record UploadPermit(
    [property: Id(0)] string Participant,
    [property: Id(1)] StudyIngestionRules Rules,
    [property: Id(2)] Guid[] Acknowledged);
