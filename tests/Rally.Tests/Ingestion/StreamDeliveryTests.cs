using Orleans.TestingHost;
using Rally.Grains.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>Rally's stream provider end to end on PostgreSQL: a cluster client publishes, a silo delivers from the durable queue.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StreamDeliveryTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private string _database = "";
    private InProcessTestCluster? _cluster;

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync();
        _cluster = await TestClusters.StartOnPostgresAsync(_database, $"rally-test-{Guid.NewGuid():N}");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_item_published_by_a_client_reaches_its_implicit_subscriber_and_leaves_the_queue_table()
    {
        var key = Guid.NewGuid().ToString("N");
        var delivered = StreamProbe.FirstItemAsync(key);

        await _cluster!.Client.GetStreamProvider(RallyStreams.Provider)
            .GetStream<string>(StreamId.Create(StreamProbe.Namespace, key))
            .OnNextAsync("hello through PostgreSQL");

        Assert.Equal("hello through PostgreSQL", await delivered.WaitAsync(Deadline));
        await EventuallyAsync(async () => await CountAsync("rally_stream_messages") == 0, "the delivered message to be deleted");
        Assert.Equal(0L, await CountAsync("rally_stream_dead_letters"));
    }

    [Fact]
    public async Task The_silos_read_every_configured_queue_of_the_provider()
    {
        var expected = Enumerable.Range(0, 8).Select(n => $"{RallyStreams.Provider}-{n}").ToList();

        await EventuallyAsync(async () => (await QueuesAsync()).Count == expected.Count, "every queue to be read");

        Assert.Equal(expected, await QueuesAsync());
    }

    private Task<long> CountAsync(string table) =>
        TestDatabase.ScalarAsync<long>(_database, $"SELECT count(*) FROM {table}");

    private async Task<IReadOnlyList<string>> QueuesAsync() =>
        [.. (await TestDatabase.ColumnAsync<string>(_database, "SELECT queue_id FROM rally_stream_queues WHERE provider_id = @provider",
            ("provider", RallyStreams.Provider))).Order(StringComparer.Ordinal)];

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting for {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
