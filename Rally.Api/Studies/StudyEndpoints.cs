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
        studies.MapGet("/", ListAsync).AllowAnonymous();
        studies.MapPost("/", DraftAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy);

        var study = endpoints.MapStudyRoutes().WithTags(ApiTags.Studies);
        study.MapGet("/", GetAsync).AllowAnonymous().SeenBy(StudyAccess.Published);
        study.MapPut("/consent", PublishConsentAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy);

        study.MapPost("/launch", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.LaunchAsync()))
            .RequireAuthorization(RallyAuth.OperatorPolicy);
        study.MapPost("/announce-end", AnnounceEndAsync).RequireAuthorization(RallyAuth.OperatorPolicy);
        study.MapPost("/end", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.EndAsync()))
            .RequireAuthorization(RallyAuth.OperatorPolicy);
        study.MapGet("/deletions", LedgerAsync).RequireAuthorization(RallyAuth.OperatorPolicy);
        study.MapPost("/complete-analysis", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.CompleteAnalysisAsync()))
            .RequireAuthorization(RallyAuth.OperatorPolicy);
        return endpoints;
    }

    public static async Task<Ok<StudyResponse[]>> ListAsync(IGrainFactory grains)
    {
        var studies = await grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).ListAsync();
        return TypedResults.Ok(studies.Select(StudyResponse.From).ToArray());
    }

    /// <summary>Any published study is public; a draft only to its partner's researchers and operators (<see cref="StudyAccess.Published"/>).</summary>
    public static Ok<StudyResponse> GetAsync(HttpContext http) =>
        TypedResults.Ok(StudyResponse.From(StudyAccessFilter.Study(http)));

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
