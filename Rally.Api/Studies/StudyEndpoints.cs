using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Grains.Deletions;
using Rally.Grains.Partners;
using Rally.Grains.Studies;

namespace Rally.Api.Studies;

public static class StudyEndpoints
{
    public static IEndpointRouteBuilder MapStudyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var studies = endpoints.MapGroup("/v1/studies").WithTags(ApiTags.Studies);
        studies.MapGet("/", ListAsync).AllowAnonymous()
            .WithName("listStudies")
            .WithSummary("List the studies open to participants")
            .WithDescription("""
                Anyone may call it. The cards of the studies that are enrolling or have ended, in the order they were
                launched. Drafts are not listed, nor are studies whose analysis has completed.
                """);
        studies.MapPost("/", DraftAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy)
            .WithName("draftStudy")
            .Refuses(ProblemTypes.NotFound, ProblemTypes.AlreadyExists)
            .WithSummary("Draft a study")
            .WithDescription("""
                A researcher drafts for its own partner (naming another `partnerId` is `403 forbidden`); an operator must
                name the `partnerId` (`400 invalid-request` without one, `404 not-found` for an unknown partner).

                The card is checked whole, and refused with `400 invalid-request` and its `errors`:
                - `dataCollected` declares each event type once (lower-case, at most 64 characters) with a description
                  of what is collected: 1 to 100 types, the only ones uploads may ever carry;
                - `encryptionKey` is the study's public key only, an EC P-256 JWK (`kty` `EC`, `crv` `P-256`, `x`, `y`),
                  as key tools write it: other members are ignored, but never send its private part `d`; `use`, when
                  given, is `enc`, `alg` `ECDH-ES`, and a non-empty `key_ops` allows `deriveKey` or `deriveBits`. A `kid`,
                  if given, must be the key's RFC 7638 thumbprint; it is computed otherwise. The card publishes only
                  `kty`, `crv`, `x`, `y`, `kid`, `use` and `alg`. Add-ons encrypt every payload to this key;
                - `consentVersion` is 1 to 32 letters, digits, `.`, `_` or `-`;
                - `addOn.downloadUrl` is an absolute https URL;
                - `privateBrowsingWarning` is required when `collectsInPrivateBrowsing` is `true` (and dropped otherwise).

                `studyId` is generated unless given (3 to 64 lower-case letters, digits or `-`); one already taken is
                `409 already-exists`. Answers `201` with the `studyId` and `state: draft`. A draft is seen only by its
                partner's researchers and operators, until an operator launches it.
                """)
            .WithRequestExample(ApiExamples.DraftStudy);

        var study = endpoints.MapStudyRoutes().WithTags(ApiTags.Studies);
        study.MapGet("/", GetAsync).AllowAnonymous().SeenBy(StudyAccess.Published)
            .WithName("getStudy")
            .WithSummary("Read a study's details page")
            .WithDescription("""
                Anyone may read a launched study (enrolling, ended or analysis-complete): the card participants read before
                consenting, with the current `consentVersion` to enroll with, the `encryptionKey` to encrypt payloads to,
                the `state`, and `endsAt` once an end is announced. A draft is seen only by its partner's researchers and
                operators; to anyone else it answers `404 not-found`, exactly as a missing study.
                """);
        study.MapPut("/consent", PublishConsentAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy)
            .WithName("publishConsent")
            .Refuses(ProblemTypes.InvalidTransition, ProblemTypes.AlreadyExists)
            .WithSummary("Publish a new consent version")
            .WithDescription("""
                The study's own researchers and operators; another partner's study answers `404 not-found`. Only while the
                study is a draft or enrolling (`409 invalid-transition` once it has ended), and each version once
                (`409 already-exists`). `dataCollected`, when given, replaces the declared event types (checked as when
                drafting); left out, they stay.

                Enrolled participants get a `consent-changed` notice and `needsReconsent`; their uploads are refused
                (`422 consent-version-mismatch`) until they enroll again with the new version, and new enrollments must
                give it.
                """);

        study.MapPost("/launch", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.LaunchAsync()))
            .RequireAuthorization(RallyAuth.OperatorPolicy)
            .WithName("launchStudy")
            .Refuses(ProblemTypes.InvalidTransition)
            .WithSummary("Launch a study")
            .WithDescription("""
                Operators only. A draft becomes `enrolling`: it is listed publicly, participants may enroll, and enrolled
                participants may upload. `409 invalid-transition` unless the study is a draft.
                """);
        study.MapPost("/announce-end", AnnounceEndAsync).RequireAuthorization(RallyAuth.OperatorPolicy)
            .WithName("announceStudyEnd")
            .Refuses(ProblemTypes.InvalidRequest, ProblemTypes.InvalidTransition)
            .WithSummary("Announce when a study ends")
            .WithDescription("""
                Operators only, for an enrolling study (`409 invalid-transition` otherwise). `endsAt` must lie in the future
                (`400 invalid-request`). Every enrolled participant gets a `study-ending` notice now, and the study ends by
                itself at `endsAt`, as `POST /v1/studies/{studyId}/end` would end it. Announcing again moves the date and
                notifies again.
                """);
        study.MapPost("/end", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.EndAsync()))
            .RequireAuthorization(RallyAuth.OperatorPolicy)
            .WithName("endStudy")
            .Refuses(ProblemTypes.InvalidTransition)
            .WithSummary("End a study")
            .WithDescription("""
                Operators only, for an enrolling study (`409 invalid-transition` otherwise). Collection stops at once
                (uploads and enrollments get `409 study-not-enrolling`); enrolled participants get a `study-ended` notice
                asking them to uninstall the study's add-on; the data is locked: whoever leaves from now on gets
                `dataDeletion: locked`, deleted when the analysis completes. Deletions requested while the study was open
                keep their course.
                """);
        study.MapGet("/deletions", LedgerAsync).RequireAuthorization(RallyAuth.OperatorPolicy)
            .WithName("getDeletionLedger")
            .WithSummary("Read a study's deletion ledger")
            .WithDescription("""
                Operators only. Every deletion request the study received, oldest first: its `deletionId`, `dataDeletion`,
                `status`, when it was requested and completed, and how many events it deleted; and when the study's whole
                raw data was dropped (`dropRequestedAt`, `droppedAt`). No personal data: no participant ids or pseudonyms.
                """);
        study.MapPost("/complete-analysis", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.CompleteAnalysisAsync()))
            .RequireAuthorization(RallyAuth.OperatorPolicy)
            .WithName("completeStudyAnalysis")
            .Refuses(ProblemTypes.InvalidTransition)
            .WithSummary("Complete a study's analysis")
            .WithDescription("""
                Operators only, for an ended study (`409 invalid-transition` otherwise). Deletes the raw data of every
                participant of the study at once and completes every locked deletion request (each participant concerned
                gets a `data-deleted` notice); only aggregated or de-identified results may remain. The deletion runs in
                the background and is retried until done: follow it in `GET /v1/studies/{studyId}/deletions`. It cannot be
                undone.
                """);
        return endpoints;
    }

    public static async Task<Ok<StudyResponse[]>> ListAsync(IGrainFactory grains)
    {
        var studies = await grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).ListAsync();
        return TypedResults.Ok(studies.Select(StudyResponse.From).ToArray());
    }

    /// <summary>Any published study is public; a draft only to its partner's researchers and operators (<see cref="StudyAccess.Published"/>).</summary>
    public static Ok<StudyResponse> GetAsync(string studyId, HttpContext http) =>
        TypedResults.Ok(StudyResponse.From(StudyAccessFilter.Study(http, studyId)));

    public static async Task<Results<Created<DraftStudyResponse>, ProblemHttpResult>> DraftAsync(
        DraftStudyRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        Guid partnerId;
        if (user.IsOperator())
        {
            if (request.PartnerId is not { } named)
            {
                return ProblemTypes.InvalidRequest.Result("An operator drafting a study must name its partnerId.");
            }
            partnerId = named;
        }
        else
        {
            partnerId = user.GetPartnerId()!.Value;
            if (request.PartnerId is { } other && other != partnerId)
            {
                return ProblemTypes.Forbidden.Result("A researcher drafts studies for its own partner only.");
            }
        }
        var partner = await grains.GetGrain<IPartnerGrain>(partnerId).GetAsync();
        if (partner is null)
        {
            return ProblemTypes.NotFound.Result($"No partner '{partnerId}'.");
        }

        var studyId = request.StudyId ?? StudyRules.NewStudyId();
        var card = new StudyCard(
            partnerId, partner.Name, request.Name, request.Description, [.. request.DataCollected.Select(d => d.ToDataType())],
            request.WhoHasAccess, request.HowDataIsUsed, request.CollectsInPrivateBrowsing,
            request.CollectsInPrivateBrowsing ? request.PrivateBrowsingWarning : null, request.ConsentVersion,
            request.EncryptionKey.ToStudyKey(), new AddOnInfo(request.AddOn.Id, request.AddOn.DownloadUrl));
        var study = await grains.GetGrain<IStudyGrain>(studyId).DraftAsync(card);
        return TypedResults.Created($"/v1/studies/{studyId}", new DraftStudyResponse(study.StudyId, study.State));
    }

    public static async Task<Ok<StudyResponse>> PublishConsentAsync(string studyId, ConsentRequest request, IGrainFactory grains)
    {
        var updated = await grains.GetGrain<IStudyGrain>(studyId)
            .PublishConsentAsync(new ConsentUpdate(request.ConsentVersion, request.DataCollected?.Select(d => d.ToDataType()).ToArray()));
        return TypedResults.Ok(StudyResponse.From(updated));
    }

    public static Task<Ok<StudyResponse>> AnnounceEndAsync(string studyId, AnnounceEndRequest request, IGrainFactory grains) =>
        MoveAsync(studyId, grains, s => s.AnnounceEndAsync(request.EndsAt));

    /// <summary>The study's deletion ledger for operators: requests, outcomes, counts and times; no personal data.</summary>
    public static async Task<Ok<LedgerView>> LedgerAsync(string studyId, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IDeletionLedgerGrain>(studyId).ListAsync());

    private static async Task<Ok<StudyResponse>> MoveAsync(string studyId, IGrainFactory grains, Func<IStudyGrain, Task<StudyView>> move) =>
        TypedResults.Ok(StudyResponse.From(await move(grains.GetGrain<IStudyGrain>(studyId))));
}
