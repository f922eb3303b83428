using Npgsql;

namespace Rally.Tests.Ingestion;

/// <summary>A message as the provider reads it from <c>GetStreamMessagesKey</c>.</summary>
internal sealed record ClaimedMessage(
    string ServiceId, string ProviderId, string QueueId, long MessageId, int Dequeued,
    DateTime VisibleOn, DateTime ExpiresOn, DateTime CreatedOn, DateTime ModifiedOn, byte[] Payload);

/// <summary>The identity of a message, as the provider reads it from <c>QueueStreamMessageKey</c> and <c>ConfirmStreamMessagesKey</c>.</summary>
internal sealed record MessageAck(string ServiceId, string ProviderId, string QueueId, long MessageId);

/// <summary>
/// Runs the streaming queries of a migrated database the way Orleans' ADO.NET stream provider does: the text
/// stored under each key, executed as is on a new connection, with the provider's parameter names and CLR
/// types, every row of every result set read with the provider's hard casts.
/// </summary>
internal sealed class StreamQueries(string database, IReadOnlyDictionary<string, string> texts, string serviceId, string providerId)
{
    public const string Provider = "rally-events";

    public static async Task<StreamQueries> LoadAsync(string database, string serviceId = "rally-test", string providerId = Provider)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetString(0), reader.GetString(1));
        }
        return new StreamQueries(database, texts, serviceId, providerId);
    }

    public string ServiceId => serviceId;

    public async Task<MessageAck> QueueAsync(string queueId, byte[] payload, int expiryTimeout = 600) =>
        Assert.Single(await ReadAsync("QueueStreamMessageKey", Ack, Identity(queueId,
            ("Payload", payload), ("ExpiryTimeout", expiryTimeout))));

    public Task<IReadOnlyList<ClaimedMessage>> GetAsync(
        string queueId, int maxCount = 10, int maxAttempts = 5, int visibilityTimeout = 60, int removalTimeout = 604800,
        int evictionInterval = 10, int evictionBatchSize = 1000) =>
        ReadAsync("GetStreamMessagesKey", Message, Identity(queueId,
            ("MaxCount", maxCount), ("MaxAttempts", maxAttempts), ("VisibilityTimeout", visibilityTimeout),
            ("RemovalTimeout", removalTimeout), ("EvictionInterval", evictionInterval), ("EvictionBatchSize", evictionBatchSize)));

    /// <param name="items"><c>"id:dequeued|id:dequeued"</c>; a negative dequeued releases.</param>
    public Task<IReadOnlyList<MessageAck>> ConfirmAsync(string queueId, string items) =>
        ReadAsync("ConfirmStreamMessagesKey", Ack, Identity(queueId, ("Items", items)));

    public Task FailAsync(string queueId, long messageId, int maxAttempts = 5, int removalTimeout = 604800) =>
        ReadAsync("FailStreamMessageKey", _ => 0, Identity(queueId,
            ("MessageId", messageId), ("MaxAttempts", maxAttempts), ("RemovalTimeout", removalTimeout)));

    public Task EvictMessagesAsync(string queueId, int maxCount, int maxAttempts, int removalTimeout) =>
        ReadAsync("EvictStreamMessagesKey", _ => 0, Identity(queueId,
            ("MaxCount", maxCount), ("MaxAttempts", maxAttempts), ("RemovalTimeout", removalTimeout)));

    public Task EvictDeadLettersAsync(string queueId, int maxCount) =>
        ReadAsync("EvictStreamDeadLettersKey", _ => 0, Identity(queueId, ("MaxCount", maxCount)));

    private (string Name, object Value)[] Identity(string queueId, params (string Name, object Value)[] more) =>
        [("ServiceId", serviceId), ("ProviderId", providerId), ("QueueId", queueId), .. more];

    private static MessageAck Ack(NpgsqlDataReader record) =>
        new((string)record["ServiceId"], (string)record["ProviderId"], (string)record["QueueId"], (long)record["MessageId"]);

    private static ClaimedMessage Message(NpgsqlDataReader record) =>
        new((string)record["ServiceId"], (string)record["ProviderId"], (string)record["QueueId"], (long)record["MessageId"],
            (int)record["Dequeued"], (DateTime)record["VisibleOn"], (DateTime)record["ExpiresOn"], (DateTime)record["CreatedOn"],
            (DateTime)record["ModifiedOn"], (byte[])record["Payload"]);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string key, Func<NpgsqlDataReader, T> selector, (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(texts[key], connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        do
        {
            while (await reader.ReadAsync())
            {
                rows.Add(selector(reader));
            }
        }
        while (await reader.NextResultAsync());
        return rows;
    }
}
