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
            .WithDescription("Operators only. The partner's name, creation time and the ids of its researchers (never their keys); `404 not-found` for an unknown id.");
        partners.MapPost("/{partnerId:guid}/researchers", CreateResearcherAsync)
            .WithName("createResearcher")
            .Refuses(ProblemTypes.NotFound)
            .WithSummary("Issue a researcher key")
            .WithDescription("""
                Operators only. Adds a researcher (`name`, 1 to 200 characters) to the partner and answers `201` with its
                bearer `key` (`rr_…`), shown this once: Rally keeps only its hash, so a lost key is replaced by issuing a
                new one. The key opens its own partner's studies only. `404 not-found` for an unknown partner.
                """);
        return endpoints;
    }

    public static async Task<Created<PartnerResponse>> CreateAsync(CreatePartnerRequest request, IGrainFactory grains)
    {
        var partnerId = Guid.NewGuid();
        var partner = await grains.GetGrain<IPartnerGrain>(partnerId).CreateAsync(request.Name);
        return TypedResults.Created($"/v1/partners/{partnerId}", PartnerResponse.From(partner));
    }

    public static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult>> GetAsync(Guid partnerId, IGrainFactory grains) =>
        await grains.GetGrain<IPartnerGrain>(partnerId).GetAsync() is { } partner
            ? TypedResults.Ok(PartnerResponse.From(partner))
            : ProblemTypes.NotFound.Result($"No partner '{partnerId}'.");

    public static async Task<Created<ResearcherResponse>> CreateResearcherAsync(
        Guid partnerId, CreateResearcherRequest request, IGrainFactory grains, Credentials credentials)
    {
        var researcherId = Guid.NewGuid();
        var key = credentials.Issue(Credentials.ResearcherPrefix, researcherId);
        await grains.GetGrain<IPartnerGrain>(partnerId).AddResearcherAsync(researcherId, request.Name, Credentials.Hash(key));
        return TypedResults.Created($"/v1/partners/{partnerId}", new ResearcherResponse(researcherId, partnerId, request.Name, key));
    }
}
