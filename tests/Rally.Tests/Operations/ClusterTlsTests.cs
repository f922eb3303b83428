using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Rally.Grains.Platform;
using Rally.Silo.Hosting;
using Rally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rally.Tests.Operations;

/// <summary>
/// With <c>Rally:Cluster:Tls</c> set, silos speak TLS to each other and to fronts, and only a peer holding a certificate
/// from the cluster's authority gets in: anything else on the network cannot act as an Orleans client and call grains.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTlsTests(PostgresServer server, ITestOutputHelper output)
{
    /// <summary>How long a refused client may take to fail: it must fail, not hang until someone gives up.</summary>
    private static readonly TimeSpan RefusalBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Silos_and_a_front_holding_certificates_of_the_cluster_authority_make_one_working_system()
    {
        using var authority = TestCertificateAuthority.Create("rally-test-cluster-ca");
        var database = await server.CreateDatabaseAsync();
        await using var first = RallyProcess.StartSilo(database, authority.Issue("silo-1").Settings());
        await using var second = RallyProcess.StartSilo(database, authority.Issue("silo-2").Settings());
        await using var front = RallyProcess.StartFront(database, authority.Issue("front").Settings());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        RallyProcess[] all = [first, second, front];

        // A silo joins only after it reached every active silo: two Active silos talk TLS to each other.
        await Eventually.HoldsAsync(async () => await ClusterMembership.ActiveSilosAsync(database) == 2, "both silos Active in the membership table", all);
        await Eventually.HoldsAsync(() => front.IsReadyAsync(http), "the front's /health/ready to answer 200", all);
        var joined = await (await http.PostAsJsonAsync(new Uri(front.BaseAddress, "/v1/participants"), RallyApi.JoinBody())).ShouldBeAsync(HttpStatusCode.Created);

        Assert.NotNull((string?)joined["participantId"]);
        Assert.Equal(2, await ClusterMembership.ActiveSilosAsync(database));
    }

    [Fact]
    public async Task An_orleans_client_without_a_certificate_of_the_cluster_authority_cannot_call_a_grain()
    {
        using var authority = TestCertificateAuthority.Create("rally-test-cluster-ca");
        using var stranger = TestCertificateAuthority.Create("someone-elses-ca");
        var database = await server.CreateDatabaseAsync();
        await using var silo = RallyProcess.StartSilo(database, authority.Issue("silo").Settings());
        await Eventually.HoldsAsync(async () => await ClusterMembership.ActiveSilosAsync(database) == 1, "the silo Active in the membership table", [silo]);
        var trusted = authority.Issue("trusted-client").Certificate;
        var foreign = stranger.Issue("foreign-client").Certificate;

        // The control: the same client, with the authority's certificate, gets an answer.
        Assert.NotNull(await CallAGrainAsync(database, c => c.UseTls(trusted, o => o.AllowAnyRemoteCertificate())));

        await AssertRefusedAsync("a client without TLS, as before cluster TLS", database, silo, _ => { });
        await AssertRefusedAsync("a TLS client without a certificate", database, silo, c => c.UseTls(o =>
        {
            o.ClientCertificateMode = RemoteCertificateMode.NoCertificate;
            o.AllowAnyRemoteCertificate();
        }));
        await AssertRefusedAsync("a client with another authority's certificate", database, silo, c => c.UseTls(foreign, o => o.AllowAnyRemoteCertificate()));
        Assert.False(silo.HasExited, silo.Output);
    }

    private async Task AssertRefusedAsync(string client, string database, RallyProcess silo, Action<IClientBuilder> tls)
    {
        var handshakesRefused = HandshakesRefused(silo);
        var clock = Stopwatch.StartNew();
        var refused = await Record.ExceptionAsync(() => CallAGrainAsync(database, tls).WaitAsync(RefusalBound));

        output.WriteLine($"{client}: refused after {clock.Elapsed.TotalSeconds:0.00} s with {refused?.GetType().Name}");
        Assert.True(refused is not null, $"{client}: called a grain");
        Assert.False(refused is TimeoutException, $"{client}: neither answered nor refused within {RefusalBound}");
        // The silo's TLS layer, not anything after it, turned the client away.
        await Eventually.HoldsAsync(() => Task.FromResult(HandshakesRefused(silo) > handshakesRefused), $"the silo to log {client}'s failed TLS handshake", [silo]);
    }

    /// <summary>How many times the silo logged Orleans' "Authentication failed" (a TLS handshake it refused).</summary>
    private static int HandshakesRefused(RallyProcess silo) =>
        silo.Output.Split("Authentication failed").Length - 1;

    /// <summary>An Orleans client of the cluster in <paramref name="database"/>, as anyone on the network could build one; it asks the platform grain once.</summary>
    private static async Task<PlatformInfo> CallAGrainAsync(string database, Action<IClientBuilder> tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("rally", "rally"));
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = RallyStorage.Invariant;
                o.ConnectionString = database;
            });
            tls(client);
            // One attempt: Orleans' default retries for minutes, and every attempt would be refused alike.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            return await host.Services.GetRequiredService<IClusterClient>().GetGrain<IPlatformGrain>(0).GetAsync();
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
