using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Rally.Silo.Schema;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>
/// Rally's streaming queries (<c>deploy/sql/0005_streaming.sql</c>) against the contract of Orleans' ADO.NET stream
/// provider, run as the provider runs them, on a freshly migrated database per test.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StreamQueryTests(PostgresServer server) : IAsyncLifetime
{
    private const string Queue = "rally-events-0";
    private static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(5);

    private string _database = "";
    private StreamQueries _queries = null!;

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(_database, NullLogger.Instance);
        _queries = await StreamQueries.LoadAsync(_database);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Queued_messages_are_claimed_oldest_first_with_every_column_the_provider_reads()
    {
        var first = await _queries.QueueAsync(Queue, Payload(1), expiryTimeout: 600);
        var second = await _queries.QueueAsync(Queue, Payload(2));
        var third = await _queries.QueueAsync(Queue, Payload(3));
        await _queries.QueueAsync("rally-events-1", Payload(4));

        var claimed = await _queries.GetAsync(Queue, maxCount: 2, visibilityTimeout: 60);

        Assert.Equal(new MessageAck(_queries.ServiceId, StreamQueries.Provider, Queue, first.MessageId), first);
        Assert.True(first.MessageId < second.MessageId && second.MessageId < third.MessageId);
        Assert.Equal([first.MessageId, second.MessageId], claimed.Select(m => m.MessageId));
        var message = claimed[0];
        Assert.Equal((_queries.ServiceId, StreamQueries.Provider, Queue), (message.ServiceId, message.ProviderId, message.QueueId));
        Assert.Equal(1, message.Dequeued);
        Assert.Equal(Payload(1), message.Payload);
        var now = DateTime.UtcNow;
        Assert.Equal(DateTimeKind.Utc, message.VisibleOn.Kind);
        Assert.InRange(message.CreatedOn, now - ClockTolerance, now + ClockTolerance);
        Assert.InRange(message.ModifiedOn, message.CreatedOn, now + ClockTolerance);
        Assert.Equal(message.ModifiedOn.AddSeconds(60), message.VisibleOn);
        Assert.Equal(message.CreatedOn.AddSeconds(600), message.ExpiresOn);
    }

    [Fact]
    public async Task A_claimed_message_is_hidden_until_its_visibility_timeout_has_passed()
    {
        var hidden = await _queries.QueueAsync(Queue, Payload(1));
        var quick = await _queries.QueueAsync("rally-events-1", Payload(2));

        var claimed = await _queries.GetAsync(Queue, visibilityTimeout: 60);
        var whileHidden = await _queries.GetAsync(Queue, visibilityTimeout: 60);
        await TestDatabase.ExecuteAsync(_database,
            "UPDATE rally_stream_messages SET visible_on = now() - interval '1 second' WHERE message_id = @id", ("id", hidden.MessageId));
        var afterTimeout = await _queries.GetAsync(Queue, visibilityTimeout: 60);
        await _queries.GetAsync("rally-events-1", visibilityTimeout: 0);
        var timedOutAtOnce = await _queries.GetAsync("rally-events-1", visibilityTimeout: 0);

        Assert.Equal(1, Assert.Single(claimed).Dequeued);
        Assert.Empty(whileHidden);
        Assert.Equal((hidden.MessageId, 2), (Assert.Single(afterTimeout).MessageId, afterTimeout[0].Dequeued));
        Assert.Equal((quick.MessageId, 2), (Assert.Single(timedOutAtOnce).MessageId, timedOutAtOnce[0].Dequeued));
    }

    [Fact]
    public async Task Confirming_deletes_a_message_only_with_the_receipt_of_its_current_claim()
    {
        var redelivered = await _queries.QueueAsync(Queue, Payload(1));
        var delivered = await _queries.QueueAsync(Queue, Payload(2));
        var otherQueue = await _queries.QueueAsync("rally-events-1", Payload(3));
        await _queries.GetAsync(Queue, visibilityTimeout: 0);                     // both at Dequeued 1
        await _queries.GetAsync(Queue, maxCount: 1, visibilityTimeout: 60);      // redelivered at Dequeued 2
        await _queries.GetAsync("rally-events-1");

        var stale = await _queries.ConfirmAsync(Queue, $"{redelivered.MessageId}:1|{otherQueue.MessageId}:1");
        var current = await _queries.ConfirmAsync(Queue, $"{redelivered.MessageId}:2|{delivered.MessageId}:1");
        var again = await _queries.ConfirmAsync(Queue, $"{redelivered.MessageId}:2");

        Assert.Empty(stale);
        Assert.Equal([redelivered.MessageId, delivered.MessageId], current.Select(a => a.MessageId).Order());
        Assert.All(current, a => Assert.Equal((_queries.ServiceId, StreamQueries.Provider, Queue), (a.ServiceId, a.ProviderId, a.QueueId)));
        Assert.Empty(again);
        Assert.Equal([otherQueue.MessageId], await MessageIdsAsync());
    }

    [Fact]
    public async Task Releasing_a_claim_makes_the_message_visible_at_once_and_keeps_it()
    {
        var message = await _queries.QueueAsync(Queue, Payload(1));
        await _queries.GetAsync(Queue, visibilityTimeout: 60);

        var released = await _queries.ConfirmAsync(Queue, $"{message.MessageId}:-1");
        var reclaimed = await _queries.GetAsync(Queue, visibilityTimeout: 60);
        var staleRelease = await _queries.ConfirmAsync(Queue, $"{message.MessageId}:-1");

        Assert.Equal(message.MessageId, Assert.Single(released).MessageId);
        Assert.Equal((message.MessageId, 2), (Assert.Single(reclaimed).MessageId, reclaimed[0].Dequeued));
        Assert.Empty(staleRelease);
        Assert.Empty(await _queries.GetAsync(Queue));
        Assert.Equal([message.MessageId], await MessageIdsAsync());
    }

    [Fact]
    public async Task A_failed_delivery_with_attempts_left_is_visible_again_at_once()
    {
        var message = await _queries.QueueAsync(Queue, Payload(1));
        await _queries.GetAsync(Queue, maxAttempts: 3, visibilityTimeout: 60);

        await _queries.FailAsync(Queue, message.MessageId, maxAttempts: 3);
        var retried = await _queries.GetAsync(Queue, maxAttempts: 3, visibilityTimeout: 60);

        Assert.Equal((message.MessageId, 2), (Assert.Single(retried).MessageId, retried[0].Dequeued));
        Assert.Equal(0L, await DeadLetterCountAsync());
    }

    [Fact]
    public async Task A_failed_delivery_on_its_last_attempt_is_dead_lettered_as_exhausted_with_its_payload()
    {
        var message = await _queries.QueueAsync(Queue, Payload(7));
        await _queries.GetAsync(Queue, maxAttempts: 2, visibilityTimeout: 0);
        await _queries.GetAsync(Queue, maxAttempts: 2, visibilityTimeout: 60);

        await _queries.FailAsync(Queue, message.MessageId, maxAttempts: 2, removalTimeout: 3600);

        Assert.Empty(await MessageIdsAsync());
        var letter = Assert.Single(await DeadLettersAsync());
        Assert.Equal((message.MessageId, Queue, "exhausted", 2), (letter.MessageId, letter.QueueId, letter.Reason, letter.Dequeued));
        Assert.Equal(Payload(7), letter.Payload);
        Assert.Equal(letter.DeadLetteredOn.AddSeconds(3600), letter.RemoveOn);
    }

    [Fact]
    public async Task Expired_and_exhausted_messages_move_to_dead_letters_only_when_an_eviction_is_due()
    {
        await _queries.GetAsync(Queue, evictionInterval: 3600);                   // the queue's first read evicts (nothing yet)
        var expired = await _queries.QueueAsync(Queue, Payload(1), expiryTimeout: 0);
        var exhausted = await _queries.QueueAsync(Queue, Payload(2));
        var healthy = await _queries.QueueAsync(Queue, Payload(3));
        await _queries.GetAsync(Queue, maxCount: 1, maxAttempts: 1, visibilityTimeout: 0, evictionInterval: 3600); // exhausts one

        var notDue = await _queries.GetAsync(Queue, maxAttempts: 1, visibilityTimeout: 60, evictionInterval: 3600);
        var keptUntilDue = await MessageIdsAsync();
        await MakeEvictionDueAsync(Queue);
        await _queries.GetAsync(Queue, maxAttempts: 1, evictionInterval: 3600, removalTimeout: 600);
        var lateExpired = await _queries.QueueAsync(Queue, Payload(4), expiryTimeout: 0);
        await _queries.GetAsync(Queue, maxAttempts: 1, evictionInterval: 3600);

        Assert.Equal(healthy.MessageId, Assert.Single(notDue).MessageId);     // neither expired nor exhausted ones are handed out
        Assert.Equal([expired.MessageId, exhausted.MessageId, healthy.MessageId], keptUntilDue);
        var letters = await DeadLettersAsync();
        Assert.Equal([(expired.MessageId, "expired"), (exhausted.MessageId, "exhausted")], letters.Select(l => (l.MessageId, l.Reason)));
        Assert.All(letters, l => Assert.Equal(l.DeadLetteredOn.AddSeconds(600), l.RemoveOn));
        Assert.Equal([healthy.MessageId, lateExpired.MessageId], await MessageIdsAsync()); // at most one eviction per interval
    }

    [Fact]
    public async Task A_message_still_held_by_a_reader_is_not_evicted_even_when_expired()
    {
        var held = await _queries.QueueAsync(Queue, Payload(1));
        await _queries.GetAsync(Queue, visibilityTimeout: 60, evictionInterval: 0);
        await TestDatabase.ExecuteAsync(_database, "UPDATE rally_stream_messages SET expires_on = now() - interval '1 second'");

        await _queries.GetAsync(Queue, evictionInterval: 0);

        Assert.Equal([held.MessageId], await MessageIdsAsync());
        Assert.Equal(0L, await DeadLetterCountAsync());
    }

    [Fact]
    public async Task Dead_letters_are_removed_after_their_removal_time_when_an_eviction_is_due()
    {
        var due = await _queries.QueueAsync(Queue, Payload(1));
        var kept = await _queries.QueueAsync(Queue, Payload(2));
        var otherQueue = await _queries.QueueAsync("rally-events-1", Payload(3));
        await _queries.GetAsync(Queue, maxAttempts: 1, evictionInterval: 3600);
        await _queries.GetAsync("rally-events-1", maxAttempts: 1, evictionInterval: 3600);
        await _queries.FailAsync(Queue, due.MessageId, maxAttempts: 1, removalTimeout: 0);
        await _queries.FailAsync(Queue, kept.MessageId, maxAttempts: 1, removalTimeout: 3600);
        await _queries.FailAsync("rally-events-1", otherQueue.MessageId, maxAttempts: 1, removalTimeout: 0);

        await _queries.GetAsync(Queue, evictionInterval: 3600);
        var beforeDue = await DeadLettersAsync();
        await MakeEvictionDueAsync(Queue);
        await _queries.GetAsync(Queue, evictionInterval: 3600);

        Assert.Equal(3, beforeDue.Count);
        Assert.Equal([kept.MessageId, otherQueue.MessageId], (await DeadLettersAsync()).Select(l => l.MessageId));
    }

    [Fact]
    public async Task Two_concurrent_readers_never_get_the_same_message()
    {
        const int messages = 300;
        var queued = new List<long>();
        for (var i = 0; i < messages; i++)
        {
            queued.Add((await _queries.QueueAsync(Queue, Payload(i))).MessageId);
        }
        var claims = new ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var idle = 0;
            while (idle < 3)
            {
                var batch = await _queries.GetAsync(Queue, maxCount: 7, visibilityTimeout: 600);
                idle = batch.Count == 0 ? idle + 1 : 0;
                foreach (var message in batch)
                {
                    claims.Add(message.MessageId);
                }
            }
        })));

        Assert.Equal(queued, claims.Order());
    }

    [Fact]
    public async Task The_eviction_queries_the_provider_requires_but_does_not_call_also_work()
    {
        var expired = await _queries.QueueAsync(Queue, Payload(1), expiryTimeout: 0);
        var healthy = await _queries.QueueAsync(Queue, Payload(2));

        await _queries.EvictMessagesAsync(Queue, maxCount: 10, maxAttempts: 5, removalTimeout: 0);
        var moved = await DeadLettersAsync();
        await _queries.EvictDeadLettersAsync(Queue, maxCount: 10);

        Assert.Equal([(expired.MessageId, "expired")], moved.Select(l => (l.MessageId, l.Reason)));
        Assert.Equal([healthy.MessageId], await MessageIdsAsync());
        Assert.Equal(0L, await DeadLetterCountAsync());
    }

    private static byte[] Payload(int seed) =>
        [.. Enumerable.Range(0, 2048).Select(i => (byte)((i * 31) + seed))];

    private Task<IReadOnlyList<long>> MessageIdsAsync() =>
        TestDatabase.ColumnAsync<long>(_database, "SELECT message_id FROM rally_stream_messages ORDER BY message_id");

    private Task<long> DeadLetterCountAsync() =>
        TestDatabase.ScalarAsync<long>(_database, "SELECT count(*) FROM rally_stream_dead_letters");

    /// <summary>Moves the queue's last eviction an hour back, as if the interval had passed.</summary>
    private Task MakeEvictionDueAsync(string queueId) =>
        TestDatabase.ExecuteAsync(_database,
            "UPDATE rally_stream_queues SET last_evicted_on = last_evicted_on - interval '1 hour' WHERE queue_id = @queue", ("queue", queueId));

    private async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT message_id, queue_id, reason, dequeued, dead_lettered_on, remove_on, payload FROM rally_stream_dead_letters ORDER BY message_id",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync())
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetDateTime(4), reader.GetDateTime(5), reader.GetFieldValue<byte[]>(6)));
        }
        return letters;
    }

    private sealed record DeadLetter(long MessageId, string QueueId, string Reason, int Dequeued, DateTime DeadLetteredOn, DateTime RemoveOn, byte[] Payload);
}
