using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Notices;
using Rally.Api.Problems;
using Rally.Api.RateLimits;
using Rally.Api.Signing;
using Rally.Api.Studies;
using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Grains.Refusals;

namespace Rally.Api.Participants;

public static class ParticipantEndpoints
{
    public static IEndpointRouteBuilder MapParticipantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").WithTags(ApiTags.Participants);
        v1.MapPost("/participants", JoinAsync).AllowAnonymous()
            .WithName("joinRally")
            .Refuses(ProblemTypes.NotEligible, ProblemTypes.ConsentVersionMismatch)
            .WithSummary("Join Rally")
            .WithDescription("""
                Anyone may call it: no credential. Each browser install joins on its own and gets its own identity;
                nothing passes between installs (a second device joins and consents by itself).

                The body gives the platform consent and attests eligibility. Refused, with nothing stored:
                - `422 not-eligible` unless `residesInUnitedStates` and `ageAtLeast19` are both `true`;
                - `422 consent-version-mismatch` unless `platformConsentVersion` is the current one (`GET /v1/platform`).

                Answers `201` with the `participantId` and its bearer `token` (`rp_…`), shown this once: Rally keeps only
                its hash. Every successful call makes a new participant, so a client keeps the token rather than joining
                again.
                """)
            .WithRequestExample(ApiExamples.Join);

        // Not in the /me group: a token just replaced may resend its replacement (and only that).
        endpoints.MapPost(ParticipantRoutes.Token, ReplaceTokenAsync).WithTags(ApiTags.Participants)
            .RequireAuthorization(RallyAuth.TokenReplacementPolicy)
            .WithName("replaceToken")
            .Refuses(ProblemTypes.InvalidRequest, ProblemTypes.ParticipantLeft)
            .WithSummary("Replace your token")
            .WithDescription("""
                The participant swaps its bearer token for a new one (participant token), e.g. when the old one may have
                leaked. Answers `200` with the new `token`; from then on the old token is refused (`401`) on every front
                and route, and live notice connections opened with it are closed (connect again with the new token).

                `requestId` is a UUID the client makes once per replacement and keeps until it has the answer: sent again
                with the same `requestId` and the old token (the answer was lost), the call answers the same new token
                instead of locking the participant out. That resend is accepted for an hour, and only until the new token
                is first used; the old token opens no other route meanwhile. A new `requestId` makes a new replacement.
                Rally keeps only the new token's hash: the new token is derived from the old token, the request id and a
                server secret, so the same pair gives it again. `400 invalid-request` for a missing or all-zero
                `requestId`.
                """);

        var me = v1.MapGroup("/me").RequireAuthorization(RallyAuth.ParticipantPolicy);
        me.MapGet("/", GetMeAsync)
            .WithName("getMe")
            .Refuses(ProblemTypes.ParticipantLeft)
            .WithSummary("Read your status, enrollments and notices")
            .WithDescription("""
                The participant's own record (participant token). Lists each enrollment with the consent version given and
                `needsReconsent`: the study has since published a new consent version, and the participant's uploads to
                it are refused until it enrolls again with that version. Lists the notices not yet acknowledged, oldest
                first (the same ones the notices hub sends on connecting).
                """);
        me.MapDelete("/", LeaveRallyAsync)
            .WithName("leaveRally")
            .Refuses(ProblemTypes.ParticipantLeft)
            .WithSummary("Leave Rally")
            .WithDescription("""
                The participant leaves for good (participant token). In one step: the token stops working at once on
                every front (live notice connections are closed too, without the answer waiting for it), the
                demographic profile and platform data are deleted, pending notices are dropped, and every study the
                participant was in is left, with a deletion request each; what remains is a tombstone with no personal
                data.

                `studies` gives each study's outcome as leaving one study does: `dataDeletion` `deleted` (the study is
                open: its data from this participant is deleted in the background) or `locked` (the study has ended: the
                data is deleted with everyone's when its analysis completes), or `pending` (the study could not be told
                now, e.g. during an outage: the request is kept and sent again until it has it, then carried out as above).
                The answer is `202` when some study answers `deleted` or `pending`, `200` otherwise. The requests cannot be followed with `GET /v1/me/deletions/{deletionId}`
                afterwards, since the token no longer works. Joining again makes a new participant.
                """);
        me.MapGet("/profile", GetProfileAsync)
            .WithName("getProfile")
            .Refuses(ProblemTypes.NotFound, ProblemTypes.ParticipantLeft)
            .WithSummary("Read your demographic profile")
            .WithDescription("The participant's own profile (participant token); `404 not-found` when none was filled in.");
        me.MapPut("/profile", PutProfileAsync)
            .WithName("putProfile")
            .Refuses(ProblemTypes.ParticipantLeft)
            .WithSummary("Fill in or replace your demographic profile")
            .WithDescription("""
                The participant's own profile (participant token). The census-like survey is optional, and so is every
                answer: the body replaces the whole profile, and an answer left out is cleared. Only the published values
                are accepted (the schema's enums; `zipCode` 5 digits; at most 15 `races`, kept once each, in the survey's
                order); anything else, or an unknown field, is `400 invalid-request` and changes nothing. No study is given
                the profile unless the participant enrolled in it with `shareDemographics: true`.
                """);
        me.MapDelete("/profile", DeleteProfileAsync)
            .WithName("deleteProfile")
            .Refuses(ProblemTypes.ParticipantLeft)
            .WithSummary("Delete your demographic profile")
            .WithDescription("The participant's own profile (participant token). Answers `204` whether or not there was one.");
        me.MapPost("/enrollments", EnrollAsync)
            .WithName("enrollInStudy")
            .Refuses(ProblemTypes.NotFound, ProblemTypes.StudyNotEnrolling, ProblemTypes.StudyPaused, ProblemTypes.ConsentVersionMismatch, ProblemTypes.PrivateBrowsingNotAcknowledged, ProblemTypes.ParticipantLeft)
            .WithSummary("Enroll in a study")
            .WithDescription("""
                The participant consents to a study (participant token), whose card (`GET /v1/studies/{studyId}`) it has
                shown. Refused, with nothing stored:
                - `404 not-found`: no such study, or one that is still a draft;
                - `409 study-not-enrolling`: the study has ended;
                - `409 study-paused`: the study is paused by Rally's operators (also for a participant already enrolled
                  consenting again); try again once it resumes;
                - `422 consent-version-mismatch`: `consentVersion` is not the study's current one;
                - `422 private-browsing-not-acknowledged`: the study collects in private browsing windows
                  (`collectsInPrivateBrowsing`) and `privateBrowsingAcknowledged` is not `true`; show its
                  `privateBrowsingWarning` first.

                Answers `201` for a new enrollment and `200` when the participant was already enrolled: enrolling again is
                harmless, and is how a participant consents to a new version (`needsReconsent`) or changes
                `shareDemographics`. A repeat is checked by the same rules, so once the study has ended it gets `409`.
                """)
            .WithRequestExample(ApiExamples.Enroll);
        me.MapDelete("/enrollments/{studyId}", LeaveStudyAsync)
            .WithName("leaveStudy")
            .Refuses(ProblemTypes.NotEnrolled, ProblemTypes.ParticipantLeft)
            .WithSummary("Leave a study")
            .WithDescription("""
                The participant leaves one study (participant token). Collection stops at once: later uploads get
                `404 not-enrolled`. What happens to the data it collected (`dataDeletion`):
                - `deleted`: the study is still open, so everything it collected from this participant is deleted, in
                  the background and retried until done, whatever fails meanwhile (also the answer for a study whose
                  analysis has completed: its raw data is already gone);
                - `locked`: the study has ended, so the data stays locked until its analysis completes, and is then
                  deleted with everyone's;
                - `pending`: the study could not be told now (an outage): the request is kept and sent again until the
                  study has it, then carried out as above.

                Every later enrollment in the study gets a new pseudonym, which nobody can link to this one. The `deletionId` can be followed with `GET /v1/me/deletions/{deletionId}`; a `data-deleted` notice
                follows when the deletion completes. `404 not-enrolled` when the participant is not, or no longer,
                enrolled: leaving twice gets `404` the second time.
                """);
        me.MapGet("/export", MyExport.ExportAsync)
            .WithName("exportMyData")
            .LimitedAs(RateLimited.OwnData)
            .Refuses(ProblemTypes.ParticipantLeft)
            .WithSummary("Export everything Rally holds about you")
            .WithDescription("""
                The participant's own data, as one JSON document (participant token), built for this answer and kept
                nowhere: its record (`participantId`, `status`, `joinedAt`, the `platformConsentVersion` given and when
                eligibility was attested), the demographic `profile` (null when none), the `enrollments` (consent version
                given, when, whether the profile is shared with the study, `needsReconsent`), every deletion request in
                `deletions` as `GET /v1/me/deletions/{deletionId}` answers it, with its signed `receipt`, and the
                `notices` not yet acknowledged.

                `dataReads` is the transparency feed: for each study the participant is or was in, each read of the
                study's data by its researchers made while the study may have held the participant's (from enrolling
                until the deletion that ended the enrollment completed): when (`at`), what (`kind`: `events`, one page
                of an export, or `demographics`) and how many events or profiles were read (`count`) — never who read
                it. A read covers the study's data, not only the participant's. A study left stays listed as long as
                the deletion request that left it is on record.
                """);
        me.MapPatch("/enrollments/{studyId}", SetSharingAsync)
            .WithName("setEnrollmentSharing")
            .Refuses(ProblemTypes.InvalidRequest, ProblemTypes.NotEnrolled, ProblemTypes.ParticipantLeft)
            .WithSummary("Share your profile with a study, or stop sharing it")
            .WithDescription("""
                The participant chooses, for one study it is enrolled in (participant token), whether the study's
                researchers may read its demographic profile (`GET /v1/studies/{studyId}/demographics`), under the
                pseudonym its events carry there and never with its platform id. `{ "shareDemographics": true }` shares
                the current profile, and every later change of it (none while no profile is filled in);
                `{ "shareDemographics": false }` stops: the profile is absent from the study's next read. Deleting the
                profile, leaving the study or leaving Rally stops sharing too.

                Answers `200` with the enrollment as it now stands; sending the same choice again is harmless.
                `404 not-enrolled` when the participant is not, or no longer, enrolled in the study; `400 invalid-request`
                for a body without a boolean `shareDemographics` (or with any other field), nothing changed.
                """)
            .WithRequestExample(ApiExamples.Sharing);
        me.MapGet("/deletions/{deletionId:guid}", GetDeletionAsync)
            .WithName("getDeletion")
            .Refuses(ProblemTypes.NotFound, ProblemTypes.ParticipantLeft)
            .WithSummary("Follow a deletion request")
            .WithDescription("""
                One of the participant's own deletion requests (participant token); another participant's id answers
                `404 not-found`, as an unknown one does. `status` is `pending` (recorded; the study's store has not yet
                confirmed the deletion), `locked` (the study has ended: deleted when its analysis completes) or
                `completed` (with `completedAt`, and `deletedEvents`: how many events the request deleted; null for data
                that was locked and went with the whole study's).

                `receipt` states the same, signed by the platform: a compact JWS (`alg` `ES256`, `typ`
                `rally-deletion-receipt+jwt`, `kid` one of `/.well-known/jwks.json`) whose payload is
                `{ deletionId, studyId, status, dataDeletion, deletedEvents, requestedAt, completedAt, iat }`. It names
                no participant; keep it to show, to anyone, what Rally said of the request and when (`iat`). Each answer
                is signed anew.
                """);
        me.MapPost("/notices/{noticeId:guid}/ack", AckNoticeAsync)
            .WithName("ackNotice")
            .Refuses(ProblemTypes.NotFound, ProblemTypes.ParticipantLeft)
            .WithSummary("Acknowledge a notice")
            .WithDescription("""
                The participant has seen the notice (participant token): it leaves the list of `GET /v1/me` and is no
                longer sent when the participant connects to the notices hub. `204` when done; `404 not-found` when no
                pending notice has this id, including one already acknowledged.
                """);
        me.MapPost("/notices/ticket", IssueTicket)
            .WithName("issueNoticeTicket")
            .WithSummary("Get a ticket to connect to the notices hub")
            .WithDescription("""
                For browsers (participant token), which cannot set headers on WebSockets: a short-lived ticket
                (`Rally:Notices:TicketLifetime`, at most a minute) to pass as the hub's `access_token` query instead of the
                long-lived token, which the query no longer accepts (a URL is logged by proxies). Negotiating with a ticket
                does not use it up; opening a connection does: one connection per ticket. Clients that can set headers
                (`Authorization: Bearer`) need none. With the JavaScript client: `accessTokenFactory` fetches a new ticket.
                """);
        return endpoints;
    }

    public static async Task<Created<JoinResponse>> JoinAsync(JoinRequest request, IGrainFactory grains, Credentials credentials)
    {
        var participantId = Guid.NewGuid();
        var token = credentials.Issue(Credentials.ParticipantPrefix, participantId);
        await grains.GetGrain<IParticipantGrain>(participantId).JoinAsync(
            new JoinCommand(request.PlatformConsentVersion, request.ResidesInUnitedStates, request.AgeAtLeast19, Credentials.Hash(token)));
        return TypedResults.Created("/v1/me", new JoinResponse(participantId, token));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> ReplaceTokenAsync(
        ReplaceTokenRequest request, ClaimsPrincipal user, HttpContext context, IGrainFactory grains, Credentials credentials)
    {
        if (request.RequestId == Guid.Empty)
        {
            return ProblemTypes.InvalidRequest.Result("Send a requestId: a UUID made once for this replacement.");
        }
        // Authentication admitted this request by its bearer token, which is therefore in the header.
        var current = RallyAuthenticationHandler.ReadBearer(context.Request)
            ?? throw new InvalidOperationException("An authenticated participant sent no bearer token.");
        var participantId = user.GetSubjectId();
        var next = credentials.Replacement(current, participantId, request.RequestId);
        return await grains.GetGrain<IParticipantGrain>(participantId).ReplaceTokenAsync(Credentials.Hash(current), Credentials.Hash(next))
            ? TypedResults.Ok(new TokenResponse(next))
            : ProblemTypes.Unauthorized.Result("The bearer token is unknown or no longer valid.");
    }

    public static async Task<Ok<MeResponse>> GetMeAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(MeResponse.From(await Participant(user, grains).GetAsync()));

    public static async Task<Results<Ok<LeaveRallyResponse>, Accepted<LeaveRallyResponse>>> LeaveRallyAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await Participant(user, grains).LeaveRallyAsync();
        var studies = result.Studies.Select(LeaveStudyResponse.From).ToArray();
        var response = new LeaveRallyResponse(ParticipantStatus.Left, result.LeftAt, ProfileDeleted: true, studies);
        // 202 while some study still has to carry out a deletion; 200 when nothing is left to do.
        return studies.Any(s => s.DataDeletion is DataDeletion.Deleted or DataDeletion.Pending)
            ? TypedResults.Accepted((string?)null, response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<ProfileBody>, ProblemHttpResult>> GetProfileAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        await Participant(user, grains).GetProfileAsync() is { } profile
            ? TypedResults.Ok(ProfileBody.From(profile))
            : ProblemTypes.NotFound.Result("You have not filled in a demographic profile.");

    public static async Task<Ok<ProfileBody>> PutProfileAsync(ProfileBody body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var profile = body.ToProfile();
        await Participant(user, grains).SetProfileAsync(profile);
        return TypedResults.Ok(ProfileBody.From(profile));
    }

    public static async Task<NoContent> DeleteProfileAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        await Participant(user, grains).DeleteProfileAsync();
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<EnrollmentResponse>, Ok<EnrollmentResponse>>> EnrollAsync(
        EnrollRequest request, ClaimsPrincipal user, IGrainFactory grains, StudyIds studyIds)
    {
        if (!StudyRules.IsStudyId(request.StudyId) || studyIds.IsForged(request.StudyId))
        {
            // An id no study can have: the study's own refusal, without activating a grain for it.
            throw StudyRefusals.NotOpen(request.StudyId);
        }
        var result = await Participant(user, grains).EnrollAsync(
            new EnrollCommand(request.StudyId, request.ConsentVersion, request.ShareDemographics, request.PrivateBrowsingAcknowledged));
        var response = EnrollmentResponse.From(result.Enrollment);
        return result.Created
            ? TypedResults.Created($"/v1/me/enrollments/{Uri.EscapeDataString(request.StudyId)}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Ok<LeaveStudyResponse>> LeaveStudyAsync(string studyId, ClaimsPrincipal user, IGrainFactory grains, StudyIds studyIds)
    {
        if (!StudyRules.IsStudyId(studyId) || studyIds.IsForged(studyId))
        {
            // Nobody is enrolled in a study that cannot exist: the participant grain's own refusal, unasked.
            throw StudyRefusals.NotEnrolled(studyId);
        }
        // The request's id is made here, once: a resent grain call carries the same one.
        return TypedResults.Ok(LeaveStudyResponse.From(await Participant(user, grains).LeaveStudyAsync(studyId, Guid.NewGuid())));
    }

    public static async Task<Ok<EnrollmentResponse>> SetSharingAsync(
        string studyId, EnrollmentSharingRequest request, ClaimsPrincipal user, IGrainFactory grains, StudyIds studyIds)
    {
        if (!StudyRules.IsStudyId(studyId) || studyIds.IsForged(studyId))
        {
            // Nobody is enrolled in a study that cannot exist: the participant grain's own refusal, unasked.
            throw StudyRefusals.NotEnrolled(studyId);
        }
        return TypedResults.Ok(EnrollmentResponse.From(await Participant(user, grains).SetShareDemographicsAsync(studyId, request.ShareDemographics)));
    }

    public static async Task<Ok<DeletionResponse>> GetDeletionAsync(Guid deletionId, ClaimsPrincipal user, IGrainFactory grains, DeletionReceipts receipts) =>
        TypedResults.Ok(DeletionResponse.From(await Participant(user, grains).GetDeletionAsync(deletionId), receipts));

    public static Ok<HubTicketResponse> IssueTicket(ClaimsPrincipal user, HubTickets tickets)
    {
        var (ticket, expiresAt) = tickets.Issue(user.GetSubjectId());
        return TypedResults.Ok(new HubTicketResponse(ticket, expiresAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> AckNoticeAsync(Guid noticeId, ClaimsPrincipal user, IGrainFactory grains) =>
        await Participant(user, grains).AckNoticeAsync(noticeId)
            ? TypedResults.NoContent()
            : ProblemTypes.NotFound.Result($"No pending notice '{noticeId}'.");

    private static IParticipantGrain Participant(ClaimsPrincipal user, IGrainFactory grains) =>
        grains.GetGrain<IParticipantGrain>(user.GetSubjectId());
}
