namespace Rally.Silo.Schema;

/// <summary>
/// Migrates the schema at the very first stage of the silo's start: the ADO.NET clustering, grain storage
/// and reminder providers read their queries from <c>OrleansQuery</c> at later stages (RuntimeGrainServices,
/// ApplicationServices and after), so they find them there. A failed migration stops the silo's start.
/// </summary>
internal sealed class SchemaMigrationParticipant(string connectionString, ILogger<SchemaMigrationParticipant> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigrationParticipant), ServiceLifecycleStage.First, MigrateAsync);

    private Task MigrateAsync(CancellationToken cancellationToken) =>
        SchemaMigrator.MigrateAsync(connectionString, logger, cancellationToken);
}
