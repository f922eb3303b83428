using Rally.Grains.Ingestion;

namespace Rally.Grains.Privacy;

/// <summary>
/// A published, differentially private release of a study's figures: noisy counts only, with everything a reader needs
/// to judge them (mechanism, ε and δ, the noise of each figure, the contribution bound and the domain). Public.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.study-release")]
public sealed record StudyRelease(
    [property: Id(0)] Guid ReleaseId,
    [property: Id(1)] int Number,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] string Mechanism,
    [property: Id(4)] decimal Epsilon,
    [property: Id(5)] decimal Delta,
    [property: Id(6)] decimal Budget,
    [property: Id(7)] decimal Spent,
    [property: Id(8)] int EventsPerParticipant,
    [property: Id(9)] EventDomain Domain,
    [property: Id(10)] long Enrolled,
    [property: Id(11)] Dictionary<string, long> EventsByType,
    [property: Id(12)] Dictionary<DateOnly, long> EventsByDay,
    [property: Id(13)] FigureNoise EnrolledNoise,
    [property: Id(14)] FigureNoise EventsByTypeNoise,
    [property: Id(15)] FigureNoise EventsByDayNoise);
