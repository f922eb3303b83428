using System.Diagnostics;
using Npgsql;

namespace Rally.Silo.Schema;

/// <summary>
/// Brings a PostgreSQL database to Rally's schema: applies, in version order, each migration this build
/// carries that the database has not applied yet, each in its own transaction, and records it in
/// <c>rally_schema_migrations</c>. Safe to run from several processes at once: they take turns on an
/// advisory lock, so each migration is applied once.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The advisory lock every Rally process takes to migrate ("Rally" in ASCII).</summary>
    private const long LockKey = 0x52616C6C79;

    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS rally_schema_migrations (
            version    integer     NOT NULL,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT rally_schema_migrations_pk PRIMARY KEY (version)
        )
        """;

    /// <summary>Applies the missing migrations.</summary>
    /// <returns>The versions applied now (e.g. <c>0003</c>), in order; empty when the schema was up to date.</returns>
    /// <exception cref="InvalidOperationException">An applied migration differs from the one this build carries.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(logger);
        var migrations = EmbeddedMigrations.Load();

        // Unpooled, so that closing the connection ends the session, which releases the advisory lock
        // however this method ends. No command timeout: waiting for another migrating silo is expected,
        // and the caller's token bounds the wait.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        SchemaLog.WaitingForLock(logger);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", LockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var history = new NpgsqlCommand(CreateHistory, connection))
        {
            await history.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = await ReadAppliedAsync(connection, cancellationToken);
        Verify(migrations, applied, logger);

        var done = new List<string>();
        foreach (var migration in migrations.Where(m => !applied.ContainsKey(m.Version)))
        {
            await ApplyAsync(connection, migration, logger, cancellationToken);
            done.Add(migration.Label);
        }
        if (done.Count == 0 && migrations.Count > 0)
        {
            SchemaLog.UpToDate(logger, migrations[^1].Label);
        }
        return done;
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, Migration migration, ILogger logger, CancellationToken cancellationToken)
    {
        SchemaLog.Applying(logger, migration.Label, migration.Name);
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
        {
            await script.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var record = new NpgsqlCommand(
            "INSERT INTO rally_schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction))
        {
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        SchemaLog.Applied(logger, migration.Label, migration.Name, stopwatch.ElapsedMilliseconds);
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, (string, string)>();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM rally_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetInt32(0), (reader.GetString(1), reader.GetString(2)));
        }
        return applied;
    }

    /// <summary>Refuses a database whose applied migrations differ from this build's: changing an applied migration does nothing, so it is always a mistake.</summary>
    private static void Verify(IReadOnlyList<Migration> migrations, Dictionary<int, (string Name, string Checksum)> applied, ILogger logger)
    {
        var known = migrations.ToDictionary(m => m.Version);
        foreach (var (version, (name, checksum)) in applied.OrderBy(a => a.Key))
        {
            if (!known.TryGetValue(version, out var migration))
            {
                SchemaLog.UnknownMigration(logger, version.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), name);
            }
            else if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Schema migration {migration.Label} ({name}) was applied to this database with checksum {checksum}, " +
                    $"but this build carries it with checksum {migration.Checksum}. An applied migration must never change: " +
                    $"restore deploy/sql/{migration.Label}_{migration.Name}.sql and put the change in a new migration.");
            }
        }
    }
}
