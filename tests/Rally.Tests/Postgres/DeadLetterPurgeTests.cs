using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Configuration;
using Orleans.Streams;
using Rally.Grains.Ingestion;
using Rally.Silo.EventStore;
using Rally.Silo.Hosting;
using Rally.Silo.Schema;
using Rally.Silo.Streams;
using Rally.Tests.Infrastructure;
using Rally.Tests.Ingestion;

namespace Rally.Tests.Postgres;

/// <summary>
/// P10 in the stream's dead letters: the uploads of a participant who left, or of a dropped study, are purged from
/// <c>rally_stream_dead_letters</c>, and nobody else's. The letters are real: queued by Orleans' ADO.NET stream
/// provider, as a front queues an upload, then given up on through the provider's own queries.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeadLetterPurgeTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Service = "rally-purge";

    private readonly string _study = $"study-{Guid.NewGuid():N}";
    private readonly string _otherStudy = $"study-{Guid.NewGuid():N}";
    private string _database = "";
    private IHost? _front;
    private IQueueAdapter _adapter = null!;
    private StreamQueries _queries = null!;

    private DeadLetterPurge Purge => _front!.Services.GetRequiredService<DeadLetterPurge>();

    /// <summary>What a front in Client mode has (the stream provider, the event store's services), never started.</summary>
    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(_database, NullLogger.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestClusters.OnPostgres(_database)).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => o.ServiceId = Service);
            client.AddRallyStreams(configuration);
        });
        builder.Services.AddRallyEventStore(configuration);
        builder.Services.AddFakeLogging();
        _front = builder.Build();
        _adapter = await _front.Services.GetRequiredKeyedService<IQueueAdapterFactory>(RallyStreams.Provider).CreateAdapter(CancellationToken.None);
        _queries = await StreamQueries.LoadAsync(_database, Service);
    }

    public async Task DisposeAsync()
    {
        _front?.Dispose();
        await postgres.CloseConnectionsAsync(_database);
    }

    [Fact]
    public async Task Purging_a_participant_removes_its_dead_letters_in_the_study_and_purging_the_study_removes_the_rest()
    {
        // More letters of another study than one page holds, ahead of this study's: the purge reads past them.
        var otherStudys = await DeadLetterAsync(_otherStudy, "leaver");
        await CopyAsync(otherStudys, Service, times: 150);
        var leavers = new[] { await DeadLetterAsync(_study, "leaver"), await DeadLetterAsync(_study, "leaver") };
        var stayer = await DeadLetterAsync(_study, "stayer");
        var otherService = await CopyAsync(leavers[0], "rally-other-service", times: 1);
        var unreadable = await UnreadableDeadLetterAsync();
        await QueueAsync(_study, "leaver");

        var byParticipant = await Purge.PurgeAsync(_study, "leaver", CancellationToken.None);
        var afterParticipant = await DeadLettersAsync();
        var byStudy = await Purge.PurgeAsync(_study, null, CancellationToken.None);
        var afterStudy = await DeadLettersAsync();

        Assert.Equal(2, byParticipant);
        Assert.DoesNotContain(leavers[0], afterParticipant);
        Assert.DoesNotContain(leavers[1], afterParticipant);
        Assert.Equal(151 + 1 + 1 + 1, afterParticipant.Count);
        Assert.Contains(stayer, afterParticipant);
        Assert.Equal(1, byStudy);
        Assert.DoesNotContain(stayer, afterStudy);
        Assert.Equal(151 + 1 + 1, afterStudy.Count);
        Assert.Contains(otherStudys, afterStudy);
        Assert.Contains(otherService, afterStudy);
        Assert.Contains(unreadable, afterStudy);
        var warnings = _front!.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 4202).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.All(warnings, w => Assert.Contains($"Dead letter {unreadable} ", w.Message, StringComparison.Ordinal));
        // Still on its way to the sink, whose store refuses it: not a dead letter, not touched.
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(_database, "SELECT count(*) FROM rally_stream_messages"));
        Assert.Equal(0, await Purge.PurgeAsync(_study, null, CancellationToken.None));
    }

    private Task QueueAsync(string studyId, string participant) =>
        _adapter.QueueMessageBatchAsync(RallyStreams.ForStudy(studyId, 0),
            [new EventBatch(studyId, participant, DateTimeOffset.UtcNow, [new StudyEvent(Guid.NewGuid(), "page-visit", DateTimeOffset.UtcNow, false, "a.b.c.d.e")])],
            null, []);

    /// <summary>Queues an upload as a front does, then has its one delivery fail, so the provider dead-letters it.</summary>
    /// <returns>Its dead letter's id.</returns>
    private async Task<long> DeadLetterAsync(string studyId, string participant)
    {
        await QueueAsync(studyId, participant);
        var queue = await TestDatabase.ScalarAsync<string>(_database, "SELECT queue_id FROM rally_stream_messages");
        var message = Assert.Single(await _queries.GetAsync(queue, maxAttempts: 1));
        await _queries.FailAsync(queue, message.MessageId, maxAttempts: 1);
        return await TestDatabase.ScalarAsync<long>(_database, "SELECT max(dead_letter_id) FROM rally_stream_dead_letters");
    }

    /// <summary>Copies a dead letter, under <paramref name="serviceId"/>.</summary>
    /// <returns>The last copy's id.</returns>
    private Task<long> CopyAsync(long deadLetterId, string serviceId, int times) =>
        TestDatabase.ScalarAsync<long>(_database, """
            WITH copies AS (
                INSERT INTO rally_stream_dead_letters (service_id, provider_id, queue_id, message_id, reason, dequeued,
                                                       created_on, expires_on, last_claimed_on, remove_on, payload)
                SELECT @service, provider_id, queue_id, message_id, reason, dequeued, created_on, expires_on, last_claimed_on, remove_on, payload
                FROM rally_stream_dead_letters, generate_series(1, @times)
                WHERE dead_letter_id = @id
                RETURNING dead_letter_id)
            SELECT max(dead_letter_id) FROM copies
            """, ("service", serviceId), ("times", times), ("id", deadLetterId));

    /// <summary>A dead letter of this service whose payload is no batch the provider wrote.</summary>
    private async Task<long> UnreadableDeadLetterAsync()
    {
        var queue = $"{RallyStreams.Provider}-unreadable";
        var message = await _queries.QueueAsync(queue, [1, 2, 3]);
        await _queries.GetAsync(queue, maxAttempts: 1);
        await _queries.FailAsync(queue, message.MessageId, maxAttempts: 1);
        return await TestDatabase.ScalarAsync<long>(_database, "SELECT max(dead_letter_id) FROM rally_stream_dead_letters");
    }

    private Task<IReadOnlyList<long>> DeadLettersAsync() =>
        TestDatabase.ColumnAsync<long>(_database, "SELECT dead_letter_id FROM rally_stream_dead_letters");
}
