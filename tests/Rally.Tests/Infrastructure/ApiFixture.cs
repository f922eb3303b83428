using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rally.Api.Hosting;
using Rally.Grains.Ingestion;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// The real API on Kestrel (loopback, a free port) in front of a shared two-silo test cluster.
/// Tests create their own participants, partners and studies, so they never depend on each other.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key-0123456789abcdef";

    // One silo: in memory, the study event store lives in the silo's process space, and the API reads the same one.
    public InProcessTestCluster Cluster { get; } = TestClusters.Build(1);

    public RallyApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        Factory = new RallyApiFactory(Cluster, new Dictionary<string, string?> { ["Rally:OperatorKey"] = OperatorKey });
        Factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>A client with no credential, or with the given bearer token.</summary>
    public HttpClient CreateClient(string? token = null) => Factory.CreateClient(token);
}

/// <summary>Starts Rally.Api with the test cluster's client (and its first silo's study event store) in place of its own hosting.</summary>
public sealed class RallyApiFactory : WebApplicationFactory<ApiOptions>
{
    private readonly IClusterClient _client;
    private readonly IStudyEventStore _store;
    private readonly IDictionary<string, string?> _settings;

    public RallyApiFactory(InProcessTestCluster cluster, IDictionary<string, string?> settings)
    {
        _client = cluster.Client;
        _store = cluster.Silos[0].ServiceProvider.GetRequiredService<IStudyEventStore>();
        _settings = settings;
        UseKestrel(0);
    }

    /// <summary>A client with no credential, or with the given bearer token.</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(OrleansHostingExtensions.ModeKey, nameof(OrleansMode.External));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(_client);
            services.AddSingleton<IGrainFactory>(_client);
            services.AddSingleton(_store);
        });
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
