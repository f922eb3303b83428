using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rally.Grains.Ingestion;
using Rally.Silo.EventStore;
using Rally.Silo.Schema;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>
/// The study table's indexes without the study id (<c>0012_partition_indexes.sql</c>): an existing database is upgraded
/// in place, an event id is still stored once per study, and a partition not analysed yet is read through its indexes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StudyEventIndexTests(PostgresServer postgres)
{
    /// <summary>Indexes of the study table and of its partitions that hold the study id (none should).</summary>
    private const string IndexesWithStudyId = """
        SELECT count(*) FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE a.attname = 'study_id'
          AND i.indrelid IN (SELECT 'rally_study_events'::regclass
                             UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = 'rally_study_events'::regclass)
        """;

    private static EventBatch Batch(string studyId, params Guid[] ids) =>
        new(studyId, "p1", DateTimeOffset.UtcNow, [.. ids.Select(id => new StudyEvent(id, "a", DateTimeOffset.UtcNow, false, "h.k.i.c.t"))]);

    [Fact]
    public async Task A_database_from_before_0012_keeps_its_events_and_each_partition_keeps_ids_unique()
    {
        var database = await postgres.CreateDatabaseAsync();
        foreach (var migration in EmbeddedMigrations.Load().Where(m => m.Version < 12))
        {
            await TestDatabase.ExecuteAsync(database, migration.Sql);
        }
        // A partition as silos before 0012 made it, holding events.
        var partition = PostgresStudyEventStore.PartitionName("study-old");
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await TestDatabase.ExecuteAsync(database, $"""
            CREATE TABLE {partition} PARTITION OF rally_study_events FOR VALUES IN ('study-old');
            INSERT INTO rally_study_events (study_id, id, participant, type, collected_at, received_at, private_window, payload)
            VALUES ('study-old', @first, 'p1', 'a', now(), now(), false, 'h.k.i.c.t'),
                   ('study-old', @second, 'p1', 'a', now(), now(), false, 'h.k.i.c.t');
            """, ("first", first), ("second", second));

        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);

        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(database, IndexesWithStudyId));
        var store = new PostgresStudyEventStore(NpgsqlDataSource.Create(database));
        Assert.Equal(1, await store.AppendAsync([Batch("study-old", first, second, Guid.NewGuid())]));
        var stored = new List<StoredEvent>();
        await foreach (var e in store.ReadAsync("study-old", EventCursor.Start, 100))
        {
            stored.Add(e);
        }
        Assert.Equal(3, stored.Count);
        Assert.Equal([first, second], stored.Take(2).Select(e => e.Id));
        Assert.Equal(3, stored.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task An_id_sent_twice_in_one_write_or_again_later_is_stored_once_and_no_index_holds_the_study_id()
    {
        var database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);
        var store = new PostgresStudyEventStore(NpgsqlDataSource.Create(database));
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(2, await store.AppendAsync([Batch("study-x", a, b), Batch("study-x", a)]));
        Assert.Equal(1, await store.AppendAsync([Batch("study-x", b, Guid.NewGuid())]));
        Assert.Equal(1, await store.AppendAsync([Batch("study-y", a)])); // once per study: another study keeps its own

        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(database, IndexesWithStudyId));
        Assert.Equal(2L, await TestDatabase.ScalarAsync<long>(database,
            "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'rally_events_%_id'"));
    }

    [Fact]
    public async Task An_export_page_of_a_partition_not_analysed_yet_walks_the_cursor_index()
    {
        var database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);
        var store = new PostgresStudyEventStore(NpgsqlDataSource.Create(database));
        await store.AppendAsync([Batch("study-new", Guid.NewGuid())]);
        var partition = PostgresStudyEventStore.PartitionName("study-new");
        await TestDatabase.ExecuteAsync(database, $"""
            ALTER TABLE {partition} SET (autovacuum_enabled = false);
            INSERT INTO rally_study_events (study_id, id, participant, type, collected_at, received_at, private_window, jwe)
            SELECT 'study-new', gen_random_uuid(), 'p' || (n % 50), 'a', now(), now(), false, decode(repeat(md5(n::text), 8), 'hex')
            FROM generate_series(1, 30000) AS n;
            """);
        Assert.Equal(-1f, await TestDatabase.ScalarAsync<float>(database, $"SELECT reltuples FROM pg_class WHERE relname = '{partition}'"));

        var plan = string.Join('\n', await TestDatabase.ColumnAsync<string>(database, "EXPLAIN " + PostgresStudyEventStore.ReadSql("study-new"),
            ("tx", 0L), ("seq", 0L), ("limit", 1000)));

        // One page: the (tx, seq) index in order up to the limit, not every row after the cursor read and sorted.
        Assert.Contains("Index Scan using", plan, StringComparison.Ordinal);
        Assert.Contains("tx_seq", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
    }
}
