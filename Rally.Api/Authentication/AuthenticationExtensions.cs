using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Rally.Api.Hosting;
using Rally.Silo.Configuration;

namespace Rally.Api.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>Bearer credentials checked against their grains, role policies, and the study-owner rule.</summary>
    public static WebApplicationBuilder AddRallyAuthentication(this WebApplicationBuilder builder)
    {
        var embedded = builder.GetOrleansMode() == OrleansMode.Embedded;
        builder.Services.AddRallyOptions<OperatorOptions>(builder.Configuration, OperatorOptions.Section)
            .PostConfigure(o =>
            {
                // Only the embedded default may make up its own key; it is printed once at start.
                if (string.IsNullOrWhiteSpace(o.OperatorKey) && embedded)
                {
                    o.OperatorKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
                    o.Generated = true;
                }
            });

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
