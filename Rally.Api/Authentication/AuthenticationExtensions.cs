using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Rally.Api.Hosting;
using Rally.Silo.Configuration;

namespace Rally.Api.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>Bearer credentials sealed with a MAC and checked against their grains, role policies, and the study-owner rule.</summary>
    public static WebApplicationBuilder AddRallyAuthentication(this WebApplicationBuilder builder)
    {
        var embedded = builder.GetOrleansMode() == OrleansMode.Embedded;
        builder.Services.AddRallySecret<CredentialOptions>(builder.Configuration, CredentialOptions.Section);
        builder.Services.AddSingleton<Credentials>();
        builder.Services.AddSingleton<Notices.HubTickets>();
        builder.Services.AddRallyOptions<OperatorOptions>(builder.Configuration, OperatorOptions.Section)
            .PostConfigure(o =>
            {
                // Keys only in Rally:OperatorKeys will do: the first stands for Rally:OperatorKey.
                if (string.IsNullOrWhiteSpace(o.OperatorKey) && o.OperatorKeys.Length > 0)
                {
                    o.OperatorKey = o.OperatorKeys[0];
                }
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
        builder.Services.AddTransient<IPolicyEvaluator, AnonymousChallengeEvaluator>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(RallyAuth.ParticipantPolicy, p => p.RequireRole(RallyAuth.ParticipantRole))
            .AddPolicy(RallyAuth.TokenReplacementPolicy, p => p.RequireRole(RallyAuth.ParticipantRole, RallyAuth.ReplacedParticipantRole))
            .AddPolicy(RallyAuth.ResearcherPolicy, p => p.RequireRole(RallyAuth.ResearcherRole))
            .AddPolicy(RallyAuth.OperatorPolicy, p => p.RequireRole(RallyAuth.OperatorRole))
            .AddPolicy(RallyAuth.ResearcherOrOperatorPolicy, p => p.RequireRole(RallyAuth.ResearcherRole, RallyAuth.OperatorRole))
            .AddPolicy(RallyAuth.StudyOwnerPolicy, p => p.AddRequirements(StudyOwnerHandler.Manage));
        return builder;
    }
}
