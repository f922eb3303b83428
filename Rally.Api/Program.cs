using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Participants;
using Rally.Api.Partners;
using Rally.Api.Platform;
using Rally.Api.Problems;
using Rally.Api.Studies;
using Rally.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRallyOrleans();
builder.AddRallyHttp();
builder.AddRallyAuthentication();
builder.Services.AddRallyProblems();
builder.Services.AddRallyHealthChecks(builder.Configuration);
builder.Services.AddHostedService<StartupBanner>();

var app = builder.Build();
app.UseRallyProblems();
app.UseAuthentication();
app.UseAuthorization();
app.MapRallyHealthChecks();
app.MapRallyApiReference();
app.MapPlatformEndpoints();
app.MapParticipantEndpoints();
app.MapPartnerEndpoints();
app.MapStudyEndpoints();
await app.RunAsync();
