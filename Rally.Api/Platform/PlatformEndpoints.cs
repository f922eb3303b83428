using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Hosting;
using Rally.Grains.Platform;

namespace Rally.Api.Platform;

/// <summary>What a would-be participant must agree to and attest.</summary>
public sealed record PlatformResponse(string PlatformConsentVersion, EligibilityResponse Eligibility);

public sealed record EligibilityResponse(string ResidesIn, int MinimumAge, string[] Attestations);

public static class PlatformEndpoints
{
    public static IEndpointRouteBuilder MapPlatformEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/v1/platform").WithTags(ApiTags.Platform).MapGet("/", GetAsync).AllowAnonymous();
        return endpoints;
    }

    public static async Task<Ok<PlatformResponse>> GetAsync(IGrainFactory grains)
    {
        var platform = await grains.GetGrain<IPlatformGrain>(0).GetAsync();
        return TypedResults.Ok(new PlatformResponse(
            platform.ConsentVersion,
            new EligibilityResponse(platform.Country, platform.MinimumAge, ["residesInUnitedStates", "ageAtLeast19"])));
    }
}
