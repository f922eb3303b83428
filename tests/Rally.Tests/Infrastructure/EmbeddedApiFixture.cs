namespace Rally.Tests.Infrastructure;

/// <summary>
/// Rally.Api as the embedded default runs it (its own silo in the process), on free ports, exporting
/// telemetry over OTLP/HTTP to a collector stand-in that keeps every request body it receives.
/// </summary>
public sealed class EmbeddedApiFixture : IAsyncLifetime
{
    private OtlpCollector? _collector;

    private OtlpCollector Collector => _collector ?? throw new InvalidOperationException("The fixture has not started.");

    public RallyApiFactory Api { get; private set; } = null!;

    /// <summary>What the collector received: (path, body decoded as Latin-1 so protobuf strings can be searched).</summary>
    public IEnumerable<(string Path, string Body)> Received => Collector.Received;

    public Task InitializeAsync()
    {
        _collector = OtlpCollector.Start();
        var settings = Collector.Settings();
        settings["Rally:Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Rally:Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Api = RallyApiFactory.StartEmbedded(settings);
        return Task.CompletedTask;
    }

    /// <summary>The first export received (or to be received within 30 s) that matches.</summary>
    public Task<(string Path, string Body)> ExportAsync(string path, params string[] containing) => Collector.ExportAsync(path, containing);

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        if (_collector is not null)
        {
            await _collector.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedApiCollection : ICollectionFixture<EmbeddedApiFixture>
{
    public const string Name = "Embedded API";
}
