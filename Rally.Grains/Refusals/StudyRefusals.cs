namespace Rally.Grains.Refusals;

/// <summary>
/// Refusals about a study that grains give and fronts give too, worded once: a front that refuses a study id early (one
/// it knows no study can have) answers exactly as the grain would have.
/// </summary>
public static class StudyRefusals
{
    /// <summary>The participant is not enrolled in the study (uploading, leaving it).</summary>
    public static RefusedException NotEnrolled(string studyId) =>
        new(RefusalKind.NotEnrolled, $"You are not enrolled in study '{studyId}'.");

    /// <summary>The study is paused: it takes no uploads and no enrollments until an operator resumes it.</summary>
    public static RefusedException Paused(string studyId) =>
        new(RefusalKind.StudyPaused, $"Study '{studyId}' is paused by Rally's operators: it takes no uploads and no enrollments until it resumes.");

    /// <summary>No study of that id takes participants: none exists, or it is still a draft (enrolling).</summary>
    public static RefusedException NotOpen(string studyId) =>
        new(RefusalKind.NotFound, $"No study '{studyId}' is open to participants.");
}
