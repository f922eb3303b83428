using Rally.Grains.Security;

namespace Rally.Api.Studies;

/// <summary>
/// The fronts' secret behind study ids and export cursors, from <c>Rally:StudyIds:Key</c> (environment
/// <c>Rally__StudyIds__Key</c>): study ids carry a MAC under it (<see cref="StudyIds"/>), export cursors are sealed with
/// it (<see cref="Ingestion.ExportCursors"/>). Changing it makes every study drafted since unreachable, and every cursor
/// handed out invalid.
/// </summary>
public sealed class StudyIdOptions : ServerSecretOptions
{
    public const string Section = "Rally:StudyIds";
}
