using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Grains.Partners;

namespace Rally.Api.Partners;

public static class PartnerEndpoints
{
    public static IEndpointRouteBuilder MapPartnerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var partners = endpoints.MapGroup("/v1/partners").WithTags(ApiTags.Partners).RequireAuthorization(RallyAuth.OperatorPolicy);
        partners.MapPost("/", CreateAsync)
            .WithName("createPartner")
            .WithSummary("Create a research partner")
            .WithDescription("""
                Operators only. `name` is 1 to 200 characters. Answers `201` with the new `partnerId`; its researchers
                then get their keys from `POST /v1/partners/{partnerId}/researchers`.
                """);
        partners.MapGet("/{partnerId:guid}", GetAsync)
            .WithName("getPartner")
            .Refuses(ProblemTypes.NotFound)
            .WithSummary("Read a research partner")
            .WithDescription("""
                Operators only. The partner's name, creation time, `suspendedAt` (null unless suspended) and the ids of its
                researchers; `researcherKeys` gives each one's `lastUsedAt` (when its key last opened a request, to the
                minute: authentication writes it at most once a minute) and `revokedAt`, never a key. `404 not-found` for
                an unknown id.
                """);
        partners.MapPost("/{partnerId:guid}/researchers", CreateResearcherAsync)
            .WithName("createResearcher")
            .Refuses(ProblemTypes.NotFound, ProblemTypes.LimitReached)
            .WithSummary("Issue a researcher key")
            .WithDescription("""
                Operators only. Adds a researcher (`name`, 1 to 200 characters) to the partner and answers `201` with its
                bearer `key` (`rr_…`), shown this once: Rally keeps only its hash, so a lost key is replaced by issuing a
                new one. The key opens its own partner's studies only. `404 not-found` for an unknown partner. A partner
                holds at most `Rally:Partners:MaxResearchers` (default 50) keys not revoked (`409 limit-reached`, no key
                issued); revoking one frees its place.
                """);
        partners.MapDelete("/{partnerId:guid}/researchers/{researcherId:guid}", RevokeResearcherAsync)
            .WithName("revokeResearcher")
            .Refuses(ProblemTypes.NotFound)
            .WithSummary("Revoke a researcher key")
            .WithDescription("""
                Operators only. The researcher's key is refused (`401`) from the next request on, on every front: each
                request asks the researcher's grain, and nothing is cached. Revoking is for good (a new researcher gets a
                new key) and harmless to repeat: `204` each time. The partner's studies and data are untouched.
                `404 not-found` for an unknown partner, or a researcher that is not the partner's.
                """);
        partners.MapPost("/{partnerId:guid}/researchers/{researcherId:guid}/rotate", RotateResearcherAsync)
            .WithName("rotateResearcherKey")
            .Refuses(ProblemTypes.NotFound)
            .WithSummary("Rotate a researcher key")
            .WithDescription("""
                Operators only. Answers `200` with a new bearer `key` for the researcher, shown this once; the old key is
                refused (`401`) from the next request on, on every front. `404 not-found` for an unknown partner, a
                researcher that is not the partner's, or one whose key was revoked.
                """);
        partners.MapPost("/{partnerId:guid}/suspend", SuspendAsync)
            .WithName("suspendPartner")
            .Refuses(ProblemTypes.NotFound)
            .WithSummary("Suspend a research partner")
            .WithDescription("""
                Operators only. Every key of the partner's researchers is refused (`401`) from the next request on, on
                every front, until the partner is reinstated: each researcher's grain asks the partner's on every
                authentication. Its studies, their participants and their data are untouched. Answers `200` with the
                partner (`suspendedAt` set); suspending again changes nothing. `404 not-found` for an unknown partner.
                """);
        partners.MapPost("/{partnerId:guid}/reinstate", ReinstateAsync)
            .WithName("reinstatePartner")
            .Refuses(ProblemTypes.NotFound)
            .WithSummary("Reinstate a suspended research partner")
            .WithDescription("""
                Operators only. The partner's researcher keys work again (those not revoked). Answers `200` with the
                partner (`suspendedAt` null); reinstating a partner that is not suspended changes nothing.
                `404 not-found` for an unknown partner.
                """);
        return endpoints;
    }

    public static async Task<Created<PartnerResponse>> CreateAsync(CreatePartnerRequest request, IGrainFactory grains)
    {
        var partnerId = Guid.NewGuid();
        var partner = await grains.GetGrain<IPartnerGrain>(partnerId).CreateAsync(request.Name);
        return TypedResults.Created($"/v1/partners/{partnerId}", PartnerResponse.From(partner));
    }

    public static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult>> GetAsync(Guid partnerId, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IPartnerGrain>(partnerId);
        return await grain.GetAsync() is { } partner
            ? TypedResults.Ok(PartnerResponse.From(partner, await grain.ListResearchersAsync()))
            : ProblemTypes.NotFound.Result($"No partner '{partnerId}'.");
    }

    public static async Task<Created<ResearcherResponse>> CreateResearcherAsync(
        Guid partnerId, CreateResearcherRequest request, IGrainFactory grains, Credentials credentials)
    {
        var researcherId = Guid.NewGuid();
        var key = credentials.Issue(Credentials.ResearcherPrefix, researcherId);
        await grains.GetGrain<IPartnerGrain>(partnerId).AddResearcherAsync(researcherId, request.Name, Credentials.Hash(key));
        return TypedResults.Created($"/v1/partners/{partnerId}", new ResearcherResponse(researcherId, partnerId, request.Name, key));
    }

    public static async Task<NoContent> RevokeResearcherAsync(Guid partnerId, Guid researcherId, IGrainFactory grains)
    {
        await grains.GetGrain<IPartnerGrain>(partnerId).RevokeResearcherAsync(researcherId);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<RotatedKeyResponse>> RotateResearcherAsync(Guid partnerId, Guid researcherId, IGrainFactory grains, Credentials credentials)
    {
        var key = credentials.Issue(Credentials.ResearcherPrefix, researcherId);
        await grains.GetGrain<IPartnerGrain>(partnerId).RotateResearcherAsync(researcherId, Credentials.Hash(key));
        return TypedResults.Ok(new RotatedKeyResponse(researcherId, key));
    }

    public static async Task<Ok<PartnerResponse>> SuspendAsync(Guid partnerId, IGrainFactory grains) =>
        TypedResults.Ok(PartnerResponse.From(await grains.GetGrain<IPartnerGrain>(partnerId).SuspendAsync()));

    public static async Task<Ok<PartnerResponse>> ReinstateAsync(Guid partnerId, IGrainFactory grains) =>
        TypedResults.Ok(PartnerResponse.From(await grains.GetGrain<IPartnerGrain>(partnerId).ReinstateAsync()));
}
