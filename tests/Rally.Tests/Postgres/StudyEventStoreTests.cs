using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rally.Grains.Ingestion;
using Rally.Silo.EventStore;
using Rally.Silo.Hosting;
using Rally.Silo.Schema;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>The study event store's promises, held by both the PostgreSQL and the memory store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StudyEventStoreTests(PostgresServer postgres)
{
    public static TheoryData<string> Stores => ["postgres", "memory"];

    private string? _database;

    private async Task<IStudyEventStore> CreateAsync(string kind)
    {
        if (kind == "memory")
        {
            return new MemoryStudyEventStore();
        }
        var database = _database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);
        // As a Rally process connects: with its defaults (statements prepared once they repeat).
        return new PostgresStudyEventStore(NpgsqlDataSource.Create(RallyStorage.WithDefaults(database)));
    }

    private static EventBatch Batch(string studyId, string participant, int count, DateTimeOffset? receivedAt = null) =>
        new(studyId, participant, receivedAt ?? DateTimeOffset.UtcNow,
            [.. Enumerable.Range(0, count).Select(i => new StudyEvent(Guid.NewGuid(), i % 2 == 0 ? "a" : "b", DateTimeOffset.UtcNow, false, $"p.{i}..x.y"))]);

    private static async Task<List<StoredEvent>> ReadAllAsync(IStudyEventStore store, string studyId)
    {
        var events = new List<StoredEvent>();
        await foreach (var e in store.ReadAsync(studyId, EventCursor.Start, int.MaxValue))
        {
            events.Add(e);
        }
        return events;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Events_are_stored_once_and_read_back_in_order_from_any_cursor(string kind)
    {
        var store = await CreateAsync(kind);
        var batch = Batch("study-one", "p1", 5);

        Assert.Equal(5, await store.AppendAsync([batch]));
        Assert.Equal(0, await store.AppendAsync([batch]));
        Assert.Equal(2, await store.AppendAsync([Batch("study-one", "p2", 2)]));
        Assert.Equal(1, await store.AppendAsync([Batch("study-two", "p1", 1)]));

        var all = await ReadAllAsync(store, "study-one");
        Assert.Equal(7, all.Count);
        Assert.Equal(batch.Events.Select(e => e.Id), all.Take(5).Select(e => e.Id));
        Assert.Equal(batch.Events.Select(e => e.Payload), all.Take(5).Select(e => e.Payload));
        var rest = new List<StoredEvent>();
        await foreach (var e in store.ReadAsync("study-one", all[2].Cursor, 100))
        {
            rest.Add(e);
        }
        Assert.Equal(all.Skip(3).Select(e => e.Id), rest.Select(e => e.Id));
        // Another study's events are not its duplicates: the same ids are stored there too.
        Assert.Equal(5, await store.AppendAsync([batch with { StudyId = "study-two" }]));
        Assert.Equal(6, (await ReadAllAsync(store, "study-two")).Count);
        Assert.Empty(await ReadAllAsync(store, "study-none")); // a study nothing was stored for yet
        var stats = await store.GetStatsAsync("study-one");
        Assert.Equal(4, stats.EventsByType["a"]);
        Assert.Equal(3, stats.EventsByType["b"]);
        Assert.Equal(7, stats.EventsByDay.Values.Sum());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Deleting_a_participant_removes_its_events_and_keeps_late_ones_out(string kind)
    {
        var store = await CreateAsync(kind);
        await store.AppendAsync([Batch("study-del", "leaver", 4)]);
        await store.AppendAsync([Batch("study-del", "stayer", 3)]);
        await store.AppendAsync([Batch("other-study", "leaver", 2)]);

        var deletion = Guid.NewGuid();
        Assert.Equal(4, await store.DeleteParticipantAsync("study-del", "leaver", deletion));
        // Retried (its success went unrecorded): nothing more to delete, and the request's count stands.
        Assert.Equal(4, await store.DeleteParticipantAsync("study-del", "leaver", deletion));
        Assert.Equal(0, await store.DeleteParticipantAsync("study-del", "leaver", Guid.NewGuid()));
        // Still in flight under the blocked pseudonym, stamped by any clock (behind or far ahead): kept out.
        Assert.Equal(0, await store.AppendAsync([Batch("study-del", "leaver", 2, DateTimeOffset.UtcNow.AddHours(-1))]));
        Assert.Equal(0, await store.AppendAsync([Batch("study-del", "leaver", 2, DateTimeOffset.UtcNow.AddDays(1))]));

        Assert.All(await ReadAllAsync(store, "study-del"), e => Assert.Equal("stayer", e.Participant));
        Assert.Equal(3, (await ReadAllAsync(store, "study-del")).Count);
        Assert.Equal(2, (await ReadAllAsync(store, "other-study")).Count);

        // Enrolled again later: a new pseudonym, whatever its clock says, is kept, and a retried old request does not touch it.
        Assert.Equal(2, await store.AppendAsync([Batch("study-del", "rejoined", 2, DateTimeOffset.UtcNow.AddHours(-1))]));
        Assert.Equal(4, await store.DeleteParticipantAsync("study-del", "leaver", deletion));
        Assert.Equal(5, (await ReadAllAsync(store, "study-del")).Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_blocked_pseudonym_is_forgotten_only_after_the_given_age(string kind)
    {
        var store = await CreateAsync(kind);
        await store.DeleteParticipantAsync("study-prune", "gone", Guid.NewGuid());

        Assert.Equal(0, await store.PruneDeletedAsync(TimeSpan.FromHours(1)));
        Assert.Equal(0, await store.AppendAsync([Batch("study-prune", "gone", 1)]));

        // Aged past the bound (in-flight events can no longer arrive): the row goes.
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        Assert.True(await store.PruneDeletedAsync(TimeSpan.FromMilliseconds(1)) >= 1);
        if (kind == "postgres")
        {
            Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(_database!, "SELECT count(*) FROM rally_deleted_participants WHERE study_id = 'study-prune'"));
        }
    }

    [Fact]
    public async Task A_deletion_recorded_before_pseudonyms_were_per_enrollment_keeps_its_cut_off_until_deleted_again()
    {
        var store = await CreateAsync("postgres");
        var cutOff = DateTimeOffset.UtcNow;
        // As 0007_deletions.sql wrote it: the participant's one pseudonym in the study, and when it left.
        await TestDatabase.ExecuteAsync(_database!, "INSERT INTO rally_deleted_participants (study_id, participant, deleted_before) VALUES ('study-old', 'legacy', @at)", ("at", cutOff));

        Assert.Equal(0, await store.AppendAsync([Batch("study-old", "legacy", 2, cutOff.AddSeconds(-1))]));
        Assert.Equal(3, await store.AppendAsync([Batch("study-old", "legacy", 3, cutOff.AddSeconds(1))]));

        // Leaving that enrollment now blocks the pseudonym outright.
        Assert.Equal(3, await store.DeleteParticipantAsync("study-old", "legacy", Guid.NewGuid()));
        Assert.Equal(0, await store.AppendAsync([Batch("study-old", "legacy", 1, cutOff.AddDays(1))]));
        Assert.Empty(await ReadAllAsync(store, "study-old"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Dropping_a_study_removes_all_its_raw_data_at_once_and_keeps_late_data_out(string kind)
    {
        var store = await CreateAsync(kind);
        await store.AppendAsync([Batch("study-drop", "p1", 3)]);
        await store.AppendAsync([Batch("study-keep", "p1", 2)]);
        for (var i = 0; i < 6; i++)
        {
            // Often enough that the partition's queries are prepared on the connection (Npgsql prepares from the 5th run).
            Assert.Equal(3, (await ReadAllAsync(store, "study-drop")).Count);
        }

        await store.DropStudyAsync("study-drop");
        await store.DropStudyAsync("study-drop");

        Assert.Empty(await ReadAllAsync(store, "study-drop"));
        Assert.Equal(0, await store.AppendAsync([Batch("study-drop", "p2", 2)]));
        Assert.Empty(await ReadAllAsync(store, "study-drop"));
        Assert.Empty((await store.GetStatsAsync("study-drop")).EventsByType);
        Assert.Equal(2, (await ReadAllAsync(store, "study-keep")).Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task One_write_of_batches_of_several_studies_and_participants_keeps_each_rule_per_batch(string kind)
    {
        var store = await CreateAsync(kind);
        await store.DeleteParticipantAsync("study-mix", "leaver", Guid.NewGuid());
        await store.DropStudyAsync("study-mix-dropped");
        var repeated = Batch("study-mix", "p1", 3);

        var added = await store.AppendAsync([
            repeated,
            Batch("study-mix", "leaver", 2),                                   // the left enrollment's: kept out
            Batch("study-mix", "rejoined", 1),                                 // enrolled again since: kept
            Batch("study-mix-other", "p1", 4),
            Batch("study-mix-dropped", "p1", 2),
            repeated with { ReceivedAt = repeated.ReceivedAt.AddSeconds(1) },  // a redelivery in the same write
        ]);

        Assert.Equal(3 + 1 + 4, added);
        Assert.Equal(repeated.Events.Select(e => e.Id), (await ReadAllAsync(store, "study-mix")).Where(e => e.Participant == "p1").Select(e => e.Id));
        Assert.DoesNotContain(await ReadAllAsync(store, "study-mix"), e => e.Participant == "leaver");
        Assert.Single(await ReadAllAsync(store, "study-mix"), e => e.Participant == "rejoined");
        Assert.Equal(4, (await ReadAllAsync(store, "study-mix-other")).Count);
        Assert.Empty(await ReadAllAsync(store, "study-mix-dropped"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Payloads_are_read_back_exactly_as_uploaded_whether_stored_as_bytes_or_as_text(string kind)
    {
        var store = await CreateAsync(kind);
        using var key = new StudyKeyPair();
        var jwes = Enumerable.Range(0, 20).Select(i => key.Encrypt($$"""{"n":{{i}},"pad":"{{new string('x', i * 50)}}"}""")).ToList();
        var batch = new EventBatch("study-bytes", "p1", DateTimeOffset.UtcNow,
            [.. jwes.Select(jwe => new StudyEvent(Guid.NewGuid(), "a", DateTimeOffset.UtcNow, false, jwe)),
             // queued as text by an earlier version, still in the stream when this one took over
             new StudyEvent(Guid.NewGuid(), "a", DateTimeOffset.UtcNow, false, Jwe: null!) { QueuedText = "not.a.jwe.at.all" }]);
        jwes.Add("not.a.jwe.at.all");
        Assert.Equal(21, await store.AppendAsync([batch]));
        if (kind == "postgres")
        {
            // a row stored before JWEs were kept as bytes (0011_jwe_bytes.sql)
            await TestDatabase.ExecuteAsync(_database!, """
                INSERT INTO rally_study_events (study_id, id, participant, type, collected_at, received_at, private_window, payload)
                VALUES ('study-bytes', @id, 'p1', 'a', now(), now(), false, @payload)
                """, ("id", Guid.NewGuid()), ("payload", jwes[0]));
            Assert.Equal(21L, await TestDatabase.ScalarAsync<long>(_database!, "SELECT count(jwe) FROM rally_study_events"));
            Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(_database!, "SELECT count(payload) FROM rally_study_events"));
        }
        else
        {
            await store.AppendAsync([new EventBatch("study-bytes", "p1", DateTimeOffset.UtcNow, [new StudyEvent(Guid.NewGuid(), "a", DateTimeOffset.UtcNow, false, jwes[0])])]);
        }
        jwes.Add(jwes[0]);

        var read = await ReadAllAsync(store, "study-bytes");
        Assert.Equal(jwes, read.Select(e => e.Payload));
        for (var i = 0; i < 20; i++)
        {
            Assert.StartsWith($$"""{"n":{{i}},""", key.Decrypt(read[i].Payload), StringComparison.Ordinal);
        }
    }
}
