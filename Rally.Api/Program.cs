using Microsoft.Extensions.Options;
using Rally.Api.Authentication;
using Rally.Api.ClientKit;
using Rally.Api.Demographics;
using Rally.Api.Hosting;
using Rally.Api.Ingestion;
using Rally.Api.Notices;
using Rally.Api.Operations;
using Rally.Api.Page;
using Rally.Api.Panel;
using Rally.Api.Participants;
using Rally.Api.Partners;
using Rally.Api.Platform;
using Rally.Api.Privacy;
using Rally.Api.Problems;
using Rally.Api.RateLimits;
using Rally.Api.Signing;
using Rally.Api.Studies;
using Rally.Silo.Configuration;
using Rally.Silo.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddRallyOrleans();
    builder.AddRallyHttp();
    builder.AddRallyRateLimits();
    builder.AddRallyEdges();
    builder.AddRallyAuthentication();
    builder.AddStudyIds();
    builder.AddRallySigning();
    builder.AddRallyDashboard();
    builder.AddNotices();
    builder.Services.AddRallyProblems();
    builder.Services.AddRallyHealthChecks(builder.Configuration);
    builder.Services.AddHostedService<StartupBanner>();
    builder.Services.AddRallyTelemetry(builder.Configuration, "rally-api");
    builder.Services.AddRallyLogRedaction();

    var app = builder.Build();
    // Settings are checked before the host starts, so a bad one stops the process before anything is logged or opened.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.UseRallyClientAddress();
    app.UseRallyEdges();
    app.UseRallyProblems();
    app.UseParticipantPage();
    app.UseAuthentication();
    app.UseRallyRateLimits();
    app.UseAuthorization();
    app.MapRallyHealthChecks();
    app.MapRallyApiReference();
    app.MapPlatformEndpoints();
    app.MapSigningEndpoints();
    app.MapParticipantEndpoints();
    app.MapPartnerEndpoints();
    app.MapStudyEndpoints();
    app.MapEventEndpoints();
    app.MapDemographicsEndpoints();
    app.MapPanelEndpoints();
    app.MapReleaseEndpoints();
    app.MapRallyDashboard();
    app.MapNotices();
    app.MapClientKit();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (ConfigurationErrors.Describe(e) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return ConfigurationErrors.ExitCode;
}
