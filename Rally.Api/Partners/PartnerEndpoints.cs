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
        partners.MapPost("/", CreateAsync);
        partners.MapGet("/{partnerId:guid}", GetAsync);
        partners.MapPost("/{partnerId:guid}/researchers", CreateResearcherAsync);
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

    public static async Task<Created<ResearcherResponse>> CreateResearcherAsync(Guid partnerId, CreateResearcherRequest request, IGrainFactory grains)
    {
        var researcherId = Guid.NewGuid();
        var key = Credentials.Issue(Credentials.ResearcherPrefix, researcherId);
        await grains.GetGrain<IPartnerGrain>(partnerId).AddResearcherAsync(researcherId, request.Name, Credentials.Hash(key));
        return TypedResults.Created($"/v1/partners/{partnerId}", new ResearcherResponse(researcherId, partnerId, request.Name, key));
    }
}
