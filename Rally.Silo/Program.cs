using Rally.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (RallyDatabase.GetConnectionString(builder.Configuration) is null)
{
    Console.Error.WriteLine("Rally.Silo needs PostgreSQL: set ConnectionStrings__Rally. For a single process without a database, run Rally.Api instead.");
    return 1;
}

builder.UseOrleans(silo => silo.AddRallySilo(builder.Configuration));
builder.Services.AddRallyHealthChecks(builder.Configuration);
builder.Services.AddRallyTelemetry(builder.Configuration, "rally-silo");

var app = builder.Build();
app.MapRallyHealthChecks();
await app.RunAsync();
return 0;
