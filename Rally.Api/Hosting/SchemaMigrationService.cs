using Rally.Silo.Schema;

namespace Rally.Api.Hosting;

/// <summary>
/// Brings the schema up to date before the Orleans client reads its gateway queries, so that an API front
/// may start before any silo. Idempotent and serialized with the silos' own migration by an advisory lock.
/// </summary>
internal sealed class SchemaMigrationService(string connectionString, ILogger<SchemaMigrationService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => SchemaMigrator.MigrateAsync(connectionString, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
