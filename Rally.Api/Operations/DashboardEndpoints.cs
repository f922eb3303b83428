using Microsoft.AspNetCore.Authentication;
using Orleans.Dashboard;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;

namespace Rally.Api.Operations;

public static class DashboardEndpoints
{
    public const string Path = "/dashboard";
    public const string Policy = "dashboard";

    /// <summary>The scheme and policy that let operators, and only them, into the dashboard.</summary>
    public static WebApplicationBuilder AddRallyDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName).RequireRole(RallyAuth.OperatorRole));
        return builder;
    }

    /// <summary>
    /// The Orleans dashboard at <c>/dashboard/</c>, for operators only. Its grain-state viewer is closed: it would
    /// show a participant's stored profile, which no one reads one by one.
    /// </summary>
    public static WebApplication MapRallyDashboard(this WebApplication app)
    {
        if (app.Services.GetRequiredService<OrleansMode>() == OrleansMode.External)
        {
            return app; // the host that owns the Orleans client serves it
        }
        app.MapOrleansDashboard(routePrefix: Path)
            .RequireAuthorization(Policy)
            .ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.Request.Path.StartsWithSegments(Path + "/GrainState", StringComparison.OrdinalIgnoreCase)
                    ? ProblemTypes.NotFound.Result("The dashboard does not show stored grain state.")
                    : await next(context));
        return app;
    }
}
