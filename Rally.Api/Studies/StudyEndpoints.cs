using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Problems;
using Rally.Grains.Deletions;
using Rally.Grains.Partners;
using Rally.Grains.Studies;

namespace Rally.Api.Studies;

public static class StudyEndpoints
{
    public static IEndpointRouteBuilder MapStudyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var studies = endpoints.MapGroup("/v1/studies").WithTags("Studies");
        studies.MapGet("/", ListAsync).AllowAnonymous();
        studies.MapGet("/{studyId}", GetAsync).AllowAnonymous();
        studies.MapPost("/", DraftAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy);
        studies.MapPut("/{studyId}/consent", PublishConsentAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy);

        var lifecycle = studies.MapGroup("/{studyId}").RequireAuthorization(RallyAuth.OperatorPolicy);
        lifecycle.MapPost("/launch", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.LaunchAsync()));
        lifecycle.MapPost("/announce-end", AnnounceEndAsync);
        lifecycle.MapPost("/end", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.EndAsync()));
        lifecycle.MapGet("/deletions", LedgerAsync);
        lifecycle.MapPost("/complete-analysis", (string studyId, IGrainFactory grains) => MoveAsync(studyId, grains, s => s.CompleteAnalysisAsync()));
        return endpoints;
    }

    public static async Task<Ok<StudyResponse[]>> ListAsync(IGrainFactory grains)
    {
        var studies = await grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).ListAsync();
        return TypedResults.Ok(studies.Select(StudyResponse.From).ToArray());
    }

    /// <summary>Any published study is public; a draft only to its partner's researchers and operators.</summary>
    public static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> GetAsync(
        string studyId, ClaimsPrincipal user, IGrainFactory grains, IAuthorizationService authorization)
    {
        var study = StudyRules.IsStudyId(studyId) ? await grains.GetGrain<IStudyGrain>(studyId).GetAsync() : null;
        if (study is null || (study.State == StudyLifecycle.Draft && !(await authorization.AuthorizeAsync(user, study, RallyAuth.StudyOwnerPolicy)).Succeeded))
        {
            return NoSuchStudy(studyId);
        }
        return TypedResults.Ok(StudyResponse.From(study));
    }

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

    public static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> PublishConsentAsync(
        string studyId, ConsentRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuthorizationService authorization)
    {
        var grain = grains.GetGrain<IStudyGrain>(studyId);
        var study = StudyRules.IsStudyId(studyId) ? await grain.GetAsync() : null;
        // Another partner's study answers exactly as a missing one: its existence is not disclosed.
        if (study is null || !(await authorization.AuthorizeAsync(user, study, RallyAuth.StudyOwnerPolicy)).Succeeded)
        {
            return NoSuchStudy(studyId);
        }
        var updated = await grain.PublishConsentAsync(new ConsentUpdate(request.ConsentVersion, request.DataCollected?.Select(d => d.ToDataType()).ToArray()));
        return TypedResults.Ok(StudyResponse.From(updated));
    }

    public static Task<Results<Ok<StudyResponse>, ProblemHttpResult>> AnnounceEndAsync(string studyId, AnnounceEndRequest request, IGrainFactory grains) =>
        MoveAsync(studyId, grains, s => s.AnnounceEndAsync(request.EndsAt));

    /// <summary>The study's deletion ledger for operators: requests, outcomes, counts and times; no personal data.</summary>
    public static async Task<Results<Ok<LedgerView>, ProblemHttpResult>> LedgerAsync(string studyId, IGrainFactory grains) =>
        StudyRules.IsStudyId(studyId) && await grains.GetGrain<IStudyGrain>(studyId).GetAsync() is not null
            ? TypedResults.Ok(await grains.GetGrain<IDeletionLedgerGrain>(studyId).ListAsync())
            : NoSuchStudy(studyId);

    private static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> MoveAsync(string studyId, IGrainFactory grains, Func<IStudyGrain, Task<StudyView>> move) =>
        StudyRules.IsStudyId(studyId)
            ? TypedResults.Ok(StudyResponse.From(await move(grains.GetGrain<IStudyGrain>(studyId))))
            : NoSuchStudy(studyId);

    private static ProblemHttpResult NoSuchStudy(string studyId) =>
        ProblemTypes.NotFound.Result($"No study '{studyId}'.");
}
