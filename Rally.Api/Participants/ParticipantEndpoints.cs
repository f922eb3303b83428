using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Grains.Studies;

namespace Rally.Api.Participants;

public static class ParticipantEndpoints
{
    public static IEndpointRouteBuilder MapParticipantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").WithTags(ApiTags.Participants);
        v1.MapPost("/participants", JoinAsync).AllowAnonymous();

        var me = v1.MapGroup("/me").RequireAuthorization(RallyAuth.ParticipantPolicy);
        me.MapGet("/", GetMeAsync);
        me.MapDelete("/", LeaveRallyAsync);
        me.MapGet("/profile", GetProfileAsync);
        me.MapPut("/profile", PutProfileAsync);
        me.MapDelete("/profile", DeleteProfileAsync);
        me.MapPost("/enrollments", EnrollAsync);
        me.MapDelete("/enrollments/{studyId}", LeaveStudyAsync);
        me.MapGet("/deletions/{deletionId:guid}", GetDeletionAsync);
        me.MapPost("/notices/{noticeId:guid}/ack", AckNoticeAsync);
        return endpoints;
    }

    public static async Task<Created<JoinResponse>> JoinAsync(JoinRequest request, IGrainFactory grains)
    {
        var participantId = Guid.NewGuid();
        var token = Credentials.Issue(Credentials.ParticipantPrefix, participantId);
        await grains.GetGrain<IParticipantGrain>(participantId).JoinAsync(
            new JoinCommand(request.PlatformConsentVersion, request.ResidesInUnitedStates, request.AgeAtLeast19, Credentials.Hash(token)));
        return TypedResults.Created("/v1/me", new JoinResponse(participantId, token));
    }

    public static async Task<Ok<MeResponse>> GetMeAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(MeResponse.From(await Participant(user, grains).GetAsync()));

    public static async Task<Results<Ok<LeaveRallyResponse>, Accepted<LeaveRallyResponse>>> LeaveRallyAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await Participant(user, grains).LeaveRallyAsync();
        var studies = result.Studies.Select(LeaveStudyResponse.From).ToArray();
        var response = new LeaveRallyResponse(ParticipantStatus.Left, result.LeftAt, ProfileDeleted: true, studies);
        // 202 while some study still has to carry out a deletion; 200 when nothing is left to do.
        return studies.Any(s => s.DataDeletion == DataDeletion.Deleted)
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

    public static async Task<Results<Created<EnrollmentResponse>, Ok<EnrollmentResponse>>> EnrollAsync(EnrollRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await Participant(user, grains).EnrollAsync(
            new EnrollCommand(request.StudyId, request.ConsentVersion, request.ShareDemographics, request.PrivateBrowsingAcknowledged));
        var response = EnrollmentResponse.From(result.Enrollment);
        return result.Created
            ? TypedResults.Created($"/v1/me/enrollments/{Uri.EscapeDataString(request.StudyId)}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Ok<LeaveStudyResponse>> LeaveStudyAsync(string studyId, ClaimsPrincipal user, IGrainFactory grains) =>
        // The request's id is made here, once: a resent grain call carries the same one.
        TypedResults.Ok(LeaveStudyResponse.From(await Participant(user, grains).LeaveStudyAsync(studyId, Guid.NewGuid())));

    public static async Task<Ok<DeletionResponse>> GetDeletionAsync(Guid deletionId, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(DeletionResponse.From(await Participant(user, grains).GetDeletionAsync(deletionId)));

    public static async Task<Results<NoContent, ProblemHttpResult>> AckNoticeAsync(Guid noticeId, ClaimsPrincipal user, IGrainFactory grains) =>
        await Participant(user, grains).AckNoticeAsync(noticeId)
            ? TypedResults.NoContent()
            : ProblemTypes.NotFound.Result($"No pending notice '{noticeId}'.");

    private static IParticipantGrain Participant(ClaimsPrincipal user, IGrainFactory grains) =>
        grains.GetGrain<IParticipantGrain>(user.GetSubjectId());
}
