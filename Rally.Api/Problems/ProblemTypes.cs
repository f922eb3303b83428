using System.Reflection;
using Rally.Grains.Refusals;

namespace Rally.Api.Problems;

/// <summary>Every problem type Rally answers with. Slugs are part of the API contract: never rename one.</summary>
public static class ProblemTypes
{
    public static readonly ProblemType InvalidRequest = new("invalid-request", 400, "The request is not valid.");
    public static readonly ProblemType InvalidEvent = new("invalid-event", 400, "An event of the batch is not acceptable.");
    public static readonly ProblemType Unauthorized = new("unauthorized", 401, "Authentication is required.");
    public static readonly ProblemType Forbidden = new("forbidden", 403, "Not allowed.");
    public static readonly ProblemType NotFound = new("not-found", 404, "Not found.");
    public static readonly ProblemType NotEnrolled = new("not-enrolled", 404, "Not enrolled in this study.");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", 405, "Method not allowed.");
    public static readonly ProblemType AlreadyExists = new("already-exists", 409, "It already exists.");
    public static readonly ProblemType InvalidTransition = new("invalid-transition", 409, "The study cannot make this move.");
    public static readonly ProblemType StudyNotEnrolling = new("study-not-enrolling", 409, "The study is not enrolling.");
    public static readonly ProblemType StudyPaused = new("study-paused", 409, "The study is paused.");
    public static readonly ProblemType LimitReached = new("limit-reached", 409, "A limit of this deployment was reached.");
    public static readonly ProblemType PrivacyBudgetExhausted = new("privacy-budget-exhausted", 409, "The study's privacy budget would be exceeded.");
    public static readonly ProblemType ParticipantLeft = new("participant-left", 410, "The participant has left Rally.");
    public static readonly ProblemType BodyTooLarge = new("body-too-large", 413, "The request body is too large.");
    public static readonly ProblemType BatchTooLarge = new("batch-too-large", 413, "The batch holds too many events.");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415, "Send JSON (application/json).");
    public static readonly ProblemType NotEligible = new("not-eligible", 422, "Not eligible to join Rally.");
    public static readonly ProblemType ConsentVersionMismatch = new("consent-version-mismatch", 422, "Consent to the current version is required.");
    public static readonly ProblemType PrivateBrowsingNotAcknowledged = new("private-browsing-not-acknowledged", 422, "The private browsing warning must be acknowledged.");
    public static readonly ProblemType TooManyRequests = new("too-many-requests", 429, "Too many requests.");
    public static readonly ProblemType Internal = new("internal", 500, "An unexpected error occurred.");
    public static readonly ProblemType Unavailable = new("unavailable", 503, "Temporarily unavailable; retry shortly.");

    /// <summary>Every type above, in declaration order (declared after them: static fields initialize in text order).</summary>
    public static IReadOnlyList<ProblemType> All { get; } = [.. typeof(ProblemTypes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ProblemType))
        .Select(f => (ProblemType)f.GetValue(null)!)];

    public static ProblemType For(RefusalKind kind) => kind switch
    {
        RefusalKind.NotEligible => NotEligible,
        RefusalKind.ConsentVersionMismatch => ConsentVersionMismatch,
        RefusalKind.PrivateBrowsingNotAcknowledged => PrivateBrowsingNotAcknowledged,
        RefusalKind.StudyNotEnrolling => StudyNotEnrolling,
        RefusalKind.NotFound => NotFound,
        RefusalKind.NotEnrolled => NotEnrolled,
        RefusalKind.InvalidTransition => InvalidTransition,
        RefusalKind.AlreadyExists => AlreadyExists,
        RefusalKind.ParticipantLeft => ParticipantLeft,
        RefusalKind.LimitReached => LimitReached,
        RefusalKind.StudyPaused => StudyPaused,
        RefusalKind.PrivacyBudgetExhausted => PrivacyBudgetExhausted,
        _ => InvalidRequest,
    };

    /// <summary>The type for a bare status code (routing, authorization, Kestrel and framework errors).</summary>
    public static ProblemType ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => AlreadyExists,
        413 => BodyTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => Unavailable,
        _ => Internal,
    };
}
