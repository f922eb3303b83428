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
        endpoints.MapGroup("/v1/platform").WithTags(ApiTags.Platform).MapGet("/", GetAsync).AllowAnonymous()
            .WithName("getPlatform")
            .WithSummary("Read the platform consent and eligibility rules")
            .WithDescription("""
                Anyone may call it. Returns the current `platformConsentVersion`, which joining
                (`POST /v1/participants`) must carry, and the eligibility rules a participant attests to when joining:
                where participants must live (`residesIn`), the `minimumAge`, and the names of the attestation fields
                that must be `true`.
                """);
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
