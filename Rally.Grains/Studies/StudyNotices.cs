using System.Globalization;
using Rally.Grains.Notices;

namespace Rally.Grains.Studies;

/// <summary>What a study tells its participants, in the words they read.</summary>
internal static class StudyNotices
{
    public static Notice Ending(string studyId, StudyCard card, DateTimeOffset endsAt, DateTimeOffset now) => new(
        Guid.NewGuid(), NoticeKind.StudyEnding, studyId,
        $"Study '{card.Name}' ends at {Format(endsAt)}. If you leave it before then, the data it collected from you is deleted; " +
        "after it ends, that data stays locked until the researchers complete their analysis, and is then deleted.",
        endsAt, now);

    public static Notice Ended(string studyId, StudyCard card, DateTimeOffset? endsAt, DateTimeOffset now) => new(
        Guid.NewGuid(), NoticeKind.StudyEnded, studyId,
        $"Study '{card.Name}' has ended and collects no more data. Please uninstall its add-on ({card.AddOn.Id}).",
        endsAt, now);

    public static Notice ConsentChanged(string studyId, StudyCard card, DateTimeOffset? endsAt, DateTimeOffset now) => new(
        Guid.NewGuid(), NoticeKind.ConsentChanged, studyId,
        $"Study '{card.Name}' published a new consent (version '{card.ConsentVersion}'). Review it and consent again to keep " +
        "taking part; until you do, the study receives no data from you.",
        endsAt, now);

    public static Notice Paused(string studyId, StudyCard card, DateTimeOffset? endsAt, DateTimeOffset now) => new(
        Guid.NewGuid(), NoticeKind.StudyPaused, studyId,
        $"Study '{card.Name}' is paused by Rally's operators: it accepts no data from you until it resumes. You stay enrolled; " +
        "if you leave it now, the data it collected from you is deleted.",
        endsAt, now);

    public static Notice Resumed(string studyId, StudyCard card, DateTimeOffset? endsAt, DateTimeOffset now) => new(
        Guid.NewGuid(), NoticeKind.StudyResumed, studyId,
        $"Study '{card.Name}' has resumed and collects data again as you consented.",
        endsAt, now);

    /// <summary>
    /// A deletion request completed. The deletion ledger sends it, by the name the study last gave it; a ledger stored
    /// before it kept names has none until the study next calls it, and then says which study in the participant's words.
    /// The notice's id is the request's.
    /// </summary>
    public static Notice DataDeleted(Guid deletionId, string studyId, string? studyName, DateTimeOffset now) => new(
        deletionId, NoticeKind.DataDeleted, studyId,
        studyName is null
            ? "The data that a study you left collected from you has been deleted."
            : $"The data that study '{studyName}' collected from you has been deleted.",
        null, now);

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
