namespace Rally.Api.Authentication;

/// <summary>Names of Rally's authentication scheme, roles, claims and policies.</summary>
public static class RallyAuth
{
    public const string Scheme = "Rally";

    public const string ParticipantRole = "participant";
    public const string ResearcherRole = "researcher";
    public const string OperatorRole = "operator";

    /// <summary>
    /// A participant presenting the token it has just replaced, on the token route only, so that a resent replacement
    /// gets its answer again (<see cref="TokenReplacementPolicy"/>); no other route admits it.
    /// </summary>
    public const string ReplacedParticipantRole = "replaced-participant";

    /// <summary>The participant's or researcher's id.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The partner a researcher works for.</summary>
    public const string PartnerClaim = "partner_id";

    public const string ParticipantPolicy = "participant";
    public const string TokenReplacementPolicy = "token-replacement";
    public const string ResearcherPolicy = "researcher";
    public const string OperatorPolicy = "operator";
    public const string ResearcherOrOperatorPolicy = "researcher-or-operator";

    /// <summary>Resource policy: the caller may manage this study (its partner's researcher, or an operator).</summary>
    public const string StudyOwnerPolicy = "study-owner";
}
