using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rally.Api.Hosting;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// The real API on Kestrel (loopback, a free port) in front of a shared two-silo test cluster.
/// Tests create their own participants, partners and studies, so they never depend on each other.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key-0123456789abcdef";

    public InProcessTestCluster Cluster { get; } = TestClusters.Build(2);

    public RallyApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        Factory = new RallyApiFactory(Cluster.Client, new Dictionary<string, string?> { ["Rally:OperatorKey"] = OperatorKey });
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

/// <summary>Starts Rally.Api with the test cluster's client in place of its own Orleans hosting.</summary>
public sealed class RallyApiFactory : WebApplicationFactory<ApiOptions>
{
    private readonly IClusterClient _client;
    private readonly IDictionary<string, string?> _settings;

    public RallyApiFactory(IClusterClient client, IDictionary<string, string?> settings)
    {
        _client = client;
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
        });
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
