using Microsoft.Extensions.Options;
using Rally.Silo.Configuration;
using Rally.Silo.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
    if (!RallyStorage.Of(builder.Services, builder.Configuration).IsPostgres)
    {
        throw new RallyConfigurationException(ConfigurationErrors.Line(RallyStorage.ConnectionStringKey, missing: true,
            "Rally.Silo keeps its data in PostgreSQL and needs its Npgsql connection string (for one process without a database, run Rally.Api instead)"));
    }
    builder.UseOrleans(silo => silo.AddRallySilo(builder.Configuration));
    builder.Services.AddRallyHealthChecks(builder.Configuration);
    builder.Services.AddRallyTelemetry(builder.Configuration, "rally-silo");

    var app = builder.Build();
    // Settings are checked before the host starts, so a bad one stops the process before anything is logged or opened.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.MapRallyHealthChecks();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (ConfigurationErrors.Describe(e) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return ConfigurationErrors.ExitCode;
}
