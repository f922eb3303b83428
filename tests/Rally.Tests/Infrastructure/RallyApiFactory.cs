using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rally.Api.Hosting;
using Rally.Grains.Ingestion;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// The real Rally.Api, started as its <c>Program</c> starts it, on Kestrel (loopback, a free port), with the operator key
/// <see cref="TestSecrets.OperatorKey"/>, the study-id key <see cref="TestSecrets.StudyIdKey"/>, the credential key
/// <see cref="TestSecrets.CredentialKey"/>, the signing key <see cref="TestSecrets.SigningKey"/> and the given settings:
/// either in front of a test cluster (External mode: the cluster's client and its first silo's study event store
/// replace the API's own), or as the embedded default runs it.
/// </summary>
public sealed class RallyApiFactory : WebApplicationFactory<ApiOptions>
{
    private readonly InProcessTestCluster? _cluster;
    private readonly IDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private RallyApiFactory(InProcessTestCluster? cluster, IDictionary<string, string?>? settings, Action<IServiceCollection>? services = null)
    {
        _cluster = cluster;
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        UseKestrel(0);
    }

    /// <summary>A front of <paramref name="cluster"/>, started, with <paramref name="services"/> replacing the front's own; the caller disposes it.</summary>
    public static RallyApiFactory Start(InProcessTestCluster cluster, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var factory = new RallyApiFactory(cluster, settings, services);
        factory.StartServer();
        return factory;
    }

    /// <summary>Rally.Api co-hosting its own silo (the embedded default), started; the caller disposes it.</summary>
    public static RallyApiFactory StartEmbedded(IDictionary<string, string?> settings)
    {
        var factory = new RallyApiFactory(null, settings);
        factory.StartServer();
        return factory;
    }

    /// <summary>Every error status this front answered, by operation (see <see cref="ProblemRecorder"/>).</summary>
    public ProblemRecorder Problems { get; } = new();

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
        builder.UseSetting(OrleansOptions.ModeKey, (_cluster is null ? OrleansMode.Embedded : OrleansMode.External).ToString());
        builder.UseSetting("Rally:OperatorKey", TestSecrets.OperatorKey);
        // Every front of a test deployment must recognize the study ids and the credentials the others made, and sign alike.
        builder.UseSetting("Rally:StudyIds:Key", TestSecrets.StudyIdKey);
        builder.UseSetting("Rally:Credentials:Key", TestSecrets.CredentialKey);
        builder.UseSetting("Rally:Signing:Key", TestSecrets.SigningKey);
        foreach (var (key, value) in TestLimits.Generous.Where(l => !_settings.ContainsKey(l.Key)))
        {
            builder.UseSetting(key, value);
        }
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Problems));
        if (_cluster is { } cluster)
        {
            builder.ConfigureServices(services =>
            {
                services.AddSingleton(cluster.Client);
                services.AddSingleton<IGrainFactory>(cluster.Client);
                services.AddSingleton(cluster.Silos[0].ServiceProvider.GetRequiredService<IStudyEventStore>());
            });
        }
        if (_services is { } replace)
        {
            builder.ConfigureTestServices(replace);
        }
    }
}
