using Microsoft.Extensions.Logging.Abstractions;
using Rally.Silo.Schema;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class SchemaTests(PostgresServer server)
{
    /// <summary>Every key the clustering, grain storage, reminder and stream providers load (and fail without).</summary>
    private static readonly string[] RequiredQueryKeys =
    [
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "GatewaysQueryKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        "QueueStreamMessageKey", "GetStreamMessagesKey", "ConfirmStreamMessagesKey", "FailStreamMessageKey",
        "EvictStreamMessagesKey", "EvictStreamDeadLettersKey",
    ];

    private static IReadOnlyList<string> AllVersions => [.. EmbeddedMigrations.Load().Select(m => m.Label)];

    [Fact]
    public async Task Migrating_a_fresh_database_applies_every_migration_in_order()
    {
        var database = await server.CreateDatabaseAsync();

        var applied = await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);

        Assert.Equal(AllVersions, applied);
        Assert.NotEmpty(applied);
        Assert.Equal(AllVersions, await RecordedVersionsAsync(database));
    }

    [Fact]
    public async Task Migrating_twice_applies_nothing_the_second_time()
    {
        var database = await server.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);

        var again = await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);

        Assert.Empty(again);
        Assert.Equal(AllVersions, await RecordedVersionsAsync(database));
    }

    [Fact]
    public async Task Two_silos_migrating_at_once_both_succeed_and_apply_each_migration_once()
    {
        var database = await server.CreateDatabaseAsync();

        var results = await Task.WhenAll(
            Task.Run(() => SchemaMigrator.MigrateAsync(database, NullLogger.Instance)),
            Task.Run(() => SchemaMigrator.MigrateAsync(database, NullLogger.Instance)));

        Assert.Equal(AllVersions, results.SelectMany(r => r).Order());
        Assert.Contains(results, r => r.Count == 0);
        Assert.Equal(AllVersions, await RecordedVersionsAsync(database));
    }

    [Fact]
    public async Task A_migrated_database_has_every_query_the_Orleans_providers_require()
    {
        var database = await server.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);

        var keys = await TestDatabase.ColumnAsync<string>(database, "SELECT QueryKey FROM OrleansQuery");

        Assert.Empty(RequiredQueryKeys.Except(keys));
    }

    [Fact]
    public async Task A_changed_applied_migration_is_refused_with_a_clear_message()
    {
        var database = await server.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);
        await TestDatabase.ExecuteAsync(database, "UPDATE rally_schema_migrations SET checksum = 'edited' WHERE version = 2");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(
            () => SchemaMigrator.MigrateAsync(database, NullLogger.Instance));

        Assert.Contains("0002", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("must never change", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_already_has_the_schema_from_the_scripts_migrates_cleanly()
    {
        // An operator may have run deploy/sql by hand: every script is idempotent.
        var database = await server.CreateDatabaseAsync();
        foreach (var migration in EmbeddedMigrations.Load())
        {
            await TestDatabase.ExecuteAsync(database, migration.Sql);
        }

        var applied = await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);

        Assert.Equal(AllVersions, applied);
    }

    private static Task<IReadOnlyList<string>> RecordedVersionsAsync(string database) =>
        TestDatabase.ColumnAsync<string>(database, "SELECT to_char(version, 'FM0000') FROM rally_schema_migrations ORDER BY version");
}
