namespace Rally.Api.Studies;

/// <summary>Who may see the study of a route under <c>/v1/studies/{studyId}</c> (checked by <see cref="StudyAccessFilter"/>).</summary>
public enum StudyAccess
{
    /// <summary>Anyone may see a published study; a draft only its partner's researchers and operators.</summary>
    Published,

    /// <summary>Only the study's partner's researchers and operators (further narrowed by the route's policy).</summary>
    Owners,

    /// <summary>
    /// A participant's own enrollment decides (the upload permit): the filter checks only the id's form, so the
    /// hot upload path makes no extra grain call; the handler refuses a forged id as the permit would.
    /// </summary>
    Enrolled,
}
