using System.Reflection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Streams;
using Rally.Grains.Ingestion;

namespace Rally.Silo.Streams;

/// <summary>
/// Deletes the stream's dead letters that hold a study's uploads, or one participant's uploads to it, so that the data
/// of a participant who left or of a study whose analysis completed does not outlive it in
/// <c>rally_stream_dead_letters</c>. Queued messages are left alone: they are still on their way to the study's
/// sink, whose store refuses a deleted participant's or study's data.
/// </summary>
/// <remarks>
/// Which upload a dead letter holds is read from its payload with Orleans' serializer, as the stream provider reads
/// it: the provider's batch container, whose events are <see cref="EventBatch"/>es. The letters are read a page at a
/// time, so a large backlog never sits in memory, and the matching ones deleted by id in one statement.
/// </remarks>
public sealed partial class DeadLetterPurge
{
    private const int PageSize = 100;

    private const string PageSql = """
        SELECT dead_letter_id, payload
        FROM rally_stream_dead_letters
        WHERE service_id = @service AND provider_id = @provider AND dead_letter_id > @after
        ORDER BY dead_letter_id
        LIMIT @limit
        """;

    private const string DeleteSql = "DELETE FROM rally_stream_dead_letters WHERE dead_letter_id = ANY(@ids)";

    // Internal to Orleans.Streaming.AdoNet; every payload the provider writes is one of these. Found by name: an
    // upgrade that renames it fails here, loudly, rather than purging nothing.
    private static readonly Type BatchContainer =
        typeof(AdoNetStreamOptions).Assembly.GetType("Orleans.Streaming.AdoNet.AdoNetBatchContainer", throwOnError: true)!;

    private static readonly PropertyInfo BatchEvents =
        BatchContainer.GetProperty("Events") ?? throw new MissingMemberException(BatchContainer.FullName, "Events");

    private readonly NpgsqlDataSource _database;
    private readonly ObjectSerializer _serializer;
    private readonly string _serviceId;
    private readonly ILogger<DeadLetterPurge> _logger;

    public DeadLetterPurge(NpgsqlDataSource database, ObjectSerializer serializer, IOptions<ClusterOptions> cluster, ILogger<DeadLetterPurge> logger)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _database = database;
        _serializer = serializer;
        _serviceId = cluster.Value.ServiceId;
        _logger = logger;
    }

    /// <summary>
    /// Deletes this service's dead letters of <paramref name="studyId"/>: all of them, or with <paramref name="participant"/>
    /// (the study pseudonym, <see cref="EventBatch.Participant"/>) only those holding that participant's uploads.
    /// </summary>
    /// <returns>How many dead letters were deleted.</returns>
    public Task<int> PurgeAsync(string studyId, string? participant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        return PurgeAsync([(studyId, participant)], cancellationToken);
    }

    /// <summary>
    /// Deletes, in one pass over the dead letters, those of each target: a study's (participant null) or one
    /// participant's in a study.
    /// </summary>
    /// <returns>How many dead letters were deleted.</returns>
    public async Task<int> PurgeAsync(IReadOnlyCollection<(string StudyId, string? Participant)> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var matches = new List<long>();
        long after = 0;
        int read;
        do
        {
            read = 0;
            await using var command = _database.CreateCommand(PageSql);
            command.Parameters.AddWithValue("service", _serviceId);
            command.Parameters.AddWithValue("provider", RallyStreams.Provider);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("limit", PageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                read++;
                after = reader.GetInt64(0);
                if (Holds(after, reader.GetFieldValue<byte[]>(1), targets))
                {
                    matches.Add(after);
                }
            }
        }
        while (read == PageSize);

        if (matches.Count == 0)
        {
            return 0;
        }
        await using var delete = _database.CreateCommand(DeleteSql);
        delete.Parameters.AddWithValue("ids", matches.ToArray());
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether the letter holds an upload of a target: to its study (of its participant, when given).</summary>
    private bool Holds(long deadLetterId, byte[] payload, IReadOnlyCollection<(string StudyId, string? Participant)> targets)
    {
        IEnumerable<object> events;
        try
        {
            events = (IEnumerable<object>?)BatchEvents.GetValue(_serializer.Deserialize(payload, BatchContainer)) ?? [];
        }
        catch (SerializerException e)
        {
            // Only the provider writes here, so this is a bug or a corrupted row: kept, and named for an operator to look at.
            LogUnreadable(_logger, deadLetterId, e);
            return false;
        }
        // The API publishes one upload, so one participant, per message; a letter is the whole message.
        return events.OfType<EventBatch>().Any(batch => targets.Any(t =>
            batch.StudyId == t.StudyId && (t.Participant is null || batch.Participant == t.Participant)));
    }

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning,
        Message = "Dead letter {DeadLetterId} in rally_stream_dead_letters could not be read, so it was not checked for purging")]
    private static partial void LogUnreadable(ILogger logger, long deadLetterId, Exception exception);
}
