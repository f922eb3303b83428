using Microsoft.AspNetCore.Http.HttpResults;
using Rally.Api.Hosting;
using Rally.Silo.Configuration;

namespace Rally.Api.Signing;

public static class SigningExtensions
{
    /// <summary>Where the platform publishes its public signing keys (RFC 8615 well-known location).</summary>
    public const string JwksRoute = "/.well-known/jwks.json";

    /// <summary>How long a verifier or a proxy may keep the key set: short, so a rotation reaches verifiers within minutes.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    /// <summary>The platform's signing key (<see cref="SigningOptions"/>) and what signs with it.</summary>
    public static WebApplicationBuilder AddRallySigning(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRallySecret<SigningOptions>(builder.Configuration, SigningOptions.Section);
        builder.Services.AddSingleton<PlatformKeys>();
        builder.Services.AddSingleton<DeletionReceipts>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSigningEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(JwksRoute, GetKeys).AllowAnonymous().WithTags(ApiTags.Platform)
            .WithName("getSigningKeys")
            .WithSummary("Read the platform's public signing keys")
            .WithDescription("""
                Anyone may call it. The JWK set (RFC 7517) of the keys that sign Rally's deletion receipts (the `receipt`
                of `GET /v1/me/deletions/{deletionId}` and of `GET /v1/me/export`): EC P-256 keys, `alg` `ES256`, `use`
                `sig`, each `kid` its RFC 7638 thumbprint. The current key comes first; earlier keys stay listed after a
                rotation, so that receipts signed with them still verify, and are never used to sign again. Verify a
                receipt with any JOSE library: pick the key by the receipt header's `kid`. Cacheable for 5 minutes.
                """);
        return endpoints;
    }

    public static Ok<JsonWebKeySet> GetKeys(PlatformKeys keys, HttpResponse response)
    {
        response.Headers.CacheControl = $"public, max-age={(int)CacheFor.TotalSeconds}";
        return TypedResults.Ok(keys.Published);
    }
}
