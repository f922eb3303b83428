namespace Rally.Grains.Studies;

/// <summary>What a study tells a participant before it consents.</summary>
[GenerateSerializer, Immutable, Alias("rally.study-card")]
public sealed record StudyCard(
    [property: Id(0)] Guid PartnerId,
    [property: Id(1)] string Partner,
    [property: Id(2)] string Name,
    [property: Id(3)] string Description,
    [property: Id(4)] DataType[] DataCollected,
    [property: Id(5)] string WhoHasAccess,
    [property: Id(6)] string HowDataIsUsed,
    [property: Id(7)] bool CollectsInPrivateBrowsing,
    [property: Id(8)] string? PrivateBrowsingWarning,
    [property: Id(9)] string ConsentVersion,
    [property: Id(10)] StudyKey EncryptionKey,
    [property: Id(11)] AddOnInfo AddOn);
