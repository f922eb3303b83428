namespace Rally.Grains.Refusals;

/// <summary>Why a request was refused. Each kind maps to one stable problem type at the HTTP edge.</summary>
[GenerateSerializer, Alias("rally.refusal-kind")]
public enum RefusalKind
{
    InvalidRequest = 0,
    NotEligible = 1,
    ConsentVersionMismatch = 2,
    PrivateBrowsingNotAcknowledged = 3,
    StudyNotEnrolling = 4,
    NotFound = 5,
    NotEnrolled = 6,
    InvalidTransition = 7,
    AlreadyExists = 8,
    ParticipantLeft = 9,

    /// <summary>A cap of the deployment (options) would be passed: nothing was changed.</summary>
    LimitReached = 10,

    /// <summary>The study is paused by an operator: it takes no uploads and no enrollments until resumed.</summary>
    StudyPaused = 11,

    /// <summary>A differentially private release would spend more than the study's privacy budget left: nothing was released.</summary>
    PrivacyBudgetExhausted = 12,
}
