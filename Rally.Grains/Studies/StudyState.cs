using Rally.Grains.Notices;
using Rally.Grains.Privacy;

namespace Rally.Grains.Studies;

/// <summary>
/// The stored study (state name <c>study</c>). Fields are only ever added, each with a default,
/// so older records read as before.
/// </summary>
[GenerateSerializer, Alias("rally.study-state")]
public sealed class StudyState
{
    [Id(0)] public StudyLifecycle Lifecycle { get; set; }
    [Id(1)] public StudyCard? Card { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset? LaunchedAt { get; set; }
    [Id(4)] public DateTimeOffset? EndsAt { get; set; }
    [Id(5)] public DateTimeOffset? EndedAt { get; set; }
    [Id(6)] public DateTimeOffset? AnalysisCompletedAt { get; set; }

    /// <summary>Every consent version published, oldest first.</summary>
    [Id(7)] public List<ConsentRecord> ConsentHistory { get; set; } = [];

    /// <summary>
    /// The roster as older records kept it (enrolled participants and the consent version each gave); the study moves
    /// it to its <see cref="IStudyRosterGrain"/> buckets when it is activated, and it stays empty from then on.
    /// </summary>
    [Id(8)] public Dictionary<Guid, string> Enrolled { get; set; } = [];

    /// <summary>
    /// Notices stored with the change that caused them and removed once every enrolled participant's inbox has
    /// them; a reminder retries what is left (older records read as an empty outbox).
    /// </summary>
    [Id(9)] public List<Notice> Outbox { get; set; } = [];

    /// <summary>
    /// The ε of every release charged to the study's privacy budget, oldest first, including any whose computation
    /// did not finish (older records read as none spent).
    /// </summary>
    [Id(10)] public List<PrivacyCharge> PrivacyCharges { get; set; } = [];

    /// <summary>How many each non-empty bucket of the roster holds (<see cref="IStudyRosterGrain"/>), by bucket (older records read as none).</summary>
    [Id(11)] public Dictionary<int, int> Roster { get; set; } = [];
}

[GenerateSerializer, Alias("rally.consent-record")]
public sealed record ConsentRecord(
    [property: Id(0)] string Version,
    [property: Id(1)] DateTimeOffset PublishedAt);
