namespace Rally.Silo.Schema;

internal static class RallySchemaExtensions
{
    /// <summary>Migrates the PostgreSQL schema (<c>deploy/sql</c>) when the silo starts, before any provider reads it.</summary>
    public static ISiloBuilder AddRallySchemaMigration(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services =>
            new SchemaMigrationParticipant(connectionString, services.GetRequiredService<ILogger<SchemaMigrationParticipant>>()));
        return silo;
    }
}
