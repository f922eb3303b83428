namespace Rally.Grains.Ingestion;

/// <summary>A participant may upload to a study now: under this pseudonym, by these rules.</summary>
[GenerateSerializer, Immutable, Alias("rally.upload-permit")]
public sealed record UploadPermit(
    [property: Id(0)] string Participant,
    [property: Id(1)] StudyIngestionRules Rules);
