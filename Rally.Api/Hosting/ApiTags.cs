using Rally.Silo.Hosting;

namespace Rally.Api.Hosting;

/// <summary>
/// The groups the API reference shows routes in: each route names its group here, and the reference says what
/// each group is for (<see cref="ApiDocumentTransformer"/>), in this order.
/// </summary>
public static class ApiTags
{
    public const string Platform = "Platform";
    public const string Participants = "Participants";
    public const string Studies = "Studies";
    public const string StudyData = "Study data";
    public const string Partners = "Partners";
    public const string Panel = "Panel";
    public const string Health = HealthExtensions.Tag;

    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        (Platform, "What anyone must agree to and attest before joining Rally, and the platform's public signing keys."),
        (Participants, """
            A participant is one browser install. It joins, fills in an optional demographic profile, enrolls in studies
            one by one, leaves them or Rally, follows its deletion requests and acknowledges its notices. Every route but
            joining needs the participant's own token (`rp_…`) and acts on that participant only.
            """),
        (Studies, """
            Study cards and their lifecycle: `draft → enrolling → ended → analysis-complete`. Anyone reads launched
            studies; researchers draft and publish consent versions for their own partner's studies; operators launch,
            announce the end of, end and complete the analysis of any study. Another partner's study answers exactly as
            a missing one (`404 not-found`).
            """),
        (StudyData, """
            Events uploaded by participants' add-ons, encrypted in the browser to the study's key, and what the study's
            researchers and operators read of them: NDJSON exports under study pseudonyms, counts, and the audit log of
            every export; and the differentially private releases of a study's figures, which anyone may read.
            """),
        (Partners, "Operators only: research partners and the keys (`rr_…`) of their researchers."),
        (Panel, "Operators only: who takes part in Rally, by demographic answers, as k-anonymous counts (no profile is ever shown)."),
        (Health, "Probes for orchestrators and load balancers; anyone may call them, and they answer in plain text."),
    ];
}
