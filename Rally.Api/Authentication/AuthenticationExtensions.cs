using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Rally.Api.Hosting;

namespace Rally.Api.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>Bearer credentials checked against their grains, role policies, and the study-owner rule.</summary>
    public static WebApplicationBuilder AddRallyAuthentication(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[OperatorOptions.Key];
        var generated = string.IsNullOrWhiteSpace(configured) && builder.Configuration.GetOrleansMode() == OrleansMode.Embedded;
        // Only the embedded default may make up its own key; it is printed once at start.
        var key = generated ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : configured ?? "";
        builder.Services.AddOptions<OperatorOptions>()
            .Configure(o =>
            {
                o.OperatorKey = key;
                o.Generated = generated;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddAuthentication(RallyAuth.Scheme)
            .AddScheme<AuthenticationSchemeOptions, RallyAuthenticationHandler>(RallyAuth.Scheme, null);
        builder.Services.AddSingleton<IAuthorizationHandler, StudyOwnerHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(RallyAuth.ParticipantPolicy, p => p.RequireRole(RallyAuth.ParticipantRole))
            .AddPolicy(RallyAuth.ResearcherPolicy, p => p.RequireRole(RallyAuth.ResearcherRole))
            .AddPolicy(RallyAuth.OperatorPolicy, p => p.RequireRole(RallyAuth.OperatorRole))
            .AddPolicy(RallyAuth.ResearcherOrOperatorPolicy, p => p.RequireRole(RallyAuth.ResearcherRole, RallyAuth.OperatorRole))
            .AddPolicy(RallyAuth.StudyOwnerPolicy, p => p.AddRequirements(StudyOwnerHandler.Manage));
        return builder;
    }
}
