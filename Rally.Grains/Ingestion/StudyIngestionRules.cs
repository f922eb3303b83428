using Rally.Grains.Studies;

namespace Rally.Grains.Ingestion;

/// <summary>What an upload must satisfy for one study: it is enrolling (not paused), and each event is of a declared type, from a window it may collect in, encrypted to its key.</summary>
[GenerateSerializer, Immutable, Alias("rally.study-ingestion-rules")]
public sealed record StudyIngestionRules(
    [property: Id(0)] StudyLifecycle State,
    [property: Id(1)] string ConsentVersion,
    [property: Id(2)] string[] DeclaredTypes,
    [property: Id(3)] bool CollectsInPrivateBrowsing,
    [property: Id(4)] string KeyId);
