using System.Globalization;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>
/// A missing or invalid setting stops <c>Rally.Silo</c> or <c>Rally.Api</c> with exit code 2 and one line on standard
/// error naming the setting's key and environment variable and what it expects — no stack trace, and never the value.
/// </summary>
public sealed class ConfigurationErrorTests
{
    /// <summary>A database nobody listens on: every case fails on its settings before anything would connect.</summary>
    private static readonly string Unreachable = $"Host=127.0.0.1;Port={FreePort.Next()};Database=rally;Username=rally;Password=do-not-print-me";

    private static readonly string Secret = "a-valid-secret-of-more-than-thirty-two-characters";

    /// <summary>A private signing key (its <c>d</c> marked so that it shows if printed) where only public keys belong.</summary>
    private static readonly string PrivateJwk = """{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"do-not-print-me"}""";

    /// <summary>A file that exists and is no certificate: this test assembly.</summary>
    private static readonly string NotACertificate = typeof(ConfigurationErrorTests).Assembly.Location;

    public static TheoryData<string, string, string, string> SiloCases => new()
    {
        { "no connection string", "", "ConnectionStrings:Rally is not set (environment variable ConnectionStrings__Rally)", "" },
        { "a malformed connection string", "ConnectionStrings__Rally=Host;;Password=do-not-print-me=", "ConnectionStrings:Rally is not valid (environment variable ConnectionStrings__Rally): expected an Npgsql connection string", "" },
        { "no pseudonym key", "ConnectionStrings__Rally=" + Unreachable, "Rally:Pseudonyms:Key is not set (environment variable Rally__Pseudonyms__Key): expected a secret", "of at least 32 characters" },
        { "a short pseudonym key", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key=short", "Rally:Pseudonyms:Key is not valid (environment variable Rally__Pseudonyms__Key)", "of at least 32 characters" },
        { "a retry period out of range", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key={Secret}|Rally__Deletions__RetryPeriod=00:00:00", "Rally:Deletions:RetryPeriod is not valid (environment variable Rally__Deletions__RetryPeriod): expected a duration", "from 00:00:01 to 1.00:00:00" },
        { "a duration that is not one", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key={Secret}|Rally__Streams__VisibilityTimeout=soon", "Rally:Streams:VisibilityTimeout is not valid (environment variable Rally__Streams__VisibilityTimeout): expected a duration", "" },
        { "a k of one", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key={Secret}|Rally__Privacy__MinCellSize=1", "Rally:Privacy:MinCellSize is not valid (environment variable Rally__Privacy__MinCellSize): expected a whole number from 2 to 1000000", "" },
        { "a host name as address", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key={Secret}|Rally__Cluster__AdvertisedIPAddress=silo-1.local", "Rally:Cluster:AdvertisedIPAddress is not valid (environment variable Rally__Cluster__AdvertisedIPAddress): expected an IP address", "" },
        { "a cluster certificate path with no file", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key={Secret}|Rally__Cluster__Tls__CertificatePath=/nonexistent/rally/cluster.pem|Rally__Cluster__Tls__CaPath=/nonexistent/rally/ca.pem", "Rally:Cluster:Tls:CertificatePath is not valid (environment variable Rally__Cluster__Tls__CertificatePath): expected this process's certificate", "no file is at that path" },
        { "a cluster certificate without its authority", $"ConnectionStrings__Rally={Unreachable}|Rally__Pseudonyms__Key={Secret}|Rally__Cluster__Tls__CertificatePath=/nonexistent/rally/cluster.pem", "Rally:Cluster:Tls:CaPath is not set (environment variable Rally__Cluster__Tls__CaPath): expected the PEM file of the certificate authority", "" },
    };

    public static TheoryData<string, string, string, string> ApiCases => new()
    {
        { "no operator key in Client mode", $"ConnectionStrings__Rally={Unreachable}|Rally__StudyIds__Key={Secret}|Rally__Credentials__Key={Secret}|Rally__Signing__Key={Secret}", "Rally:OperatorKey is not set (environment variable Rally__OperatorKey): expected a secret", "of at least 24 characters" },
        { "no study-id key with PostgreSQL", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__Credentials__Key={Secret}|Rally__Signing__Key={Secret}", "Rally:StudyIds:Key is not set (environment variable Rally__StudyIds__Key): expected a secret", "of at least 32 characters" },
        { "a short study-id key", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__Credentials__Key={Secret}|Rally__Signing__Key={Secret}|Rally__StudyIds__Key=short", "Rally:StudyIds:Key is not valid (environment variable Rally__StudyIds__Key)", "of at least 32 characters" },
        { "no credential key with PostgreSQL", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__StudyIds__Key={Secret}|Rally__Signing__Key={Secret}", "Rally:Credentials:Key is not set (environment variable Rally__Credentials__Key): expected a secret", "of at least 32 characters" },
        { "a short credential key", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__StudyIds__Key={Secret}|Rally__Signing__Key={Secret}|Rally__Credentials__Key=short", "Rally:Credentials:Key is not valid (environment variable Rally__Credentials__Key)", "of at least 32 characters" },
        { "no signing key with PostgreSQL", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__StudyIds__Key={Secret}|Rally__Credentials__Key={Secret}", "Rally:Signing:Key is not set (environment variable Rally__Signing__Key): expected a secret", "of at least 32 characters" },
        { "a short signing key", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__StudyIds__Key={Secret}|Rally__Credentials__Key={Secret}|Rally__Signing__Key=short", "Rally:Signing:Key is not valid (environment variable Rally__Signing__Key)", "of at least 32 characters" },
        { "a previous signing key that is a private key", $"Rally__Signing__PreviousPublicKeys__0={PrivateJwk}", "Rally:Signing:PreviousPublicKeys:0 is not valid (environment variable Rally__Signing__PreviousPublicKeys__0): expected a public JWK (EC P-256", "no private part" },
        { "a previous signing key that is no key", "Rally__Signing__PreviousPublicKeys__0=do-not-print-me", "Rally:Signing:PreviousPublicKeys:0 is not valid (environment variable Rally__Signing__PreviousPublicKeys__0): expected a public JWK (EC P-256", "" },
        { "Client mode without a database", "Rally__Orleans__Mode=Client", "ConnectionStrings:Rally is not set (environment variable ConnectionStrings__Rally)", "Rally:Orleans:Mode=Client" },
        { "an unknown mode", "Rally__Orleans__Mode=Sideways", "Rally:Orleans:Mode is not valid (environment variable Rally__Orleans__Mode): expected one of Embedded, Client, External", "" },
        { "a batch limit out of range", "Rally__Ingestion__MaxEventsPerBatch=0", "Rally:Ingestion:MaxEventsPerBatch is not valid (environment variable Rally__Ingestion__MaxEventsPerBatch): expected a whole number from 1 to 10000", "" },
        { "a notice time to live shorter than the refresh", "Rally__Notices__TimeToLive=00:00:05", "Rally:Notices:TimeToLive is not valid (environment variable Rally__Notices__TimeToLive): expected a duration longer than Rally:Notices:RefreshInterval", "" },
        { "an allowed origin with a path", "Rally__Cors__AllowedOrigins__0=moz-extension://*|Rally__Cors__AllowedOrigins__1=https://rally.example/path", "Rally:Cors:AllowedOrigins is not valid (environment variable Rally__Cors__AllowedOrigins): expected origins (scheme://host[:port], no path) or every origin of a scheme (scheme://*)", "" },
        { "telemetry sent to no URL", "Rally__Telemetry__OtlpEndpoint=::not a url::", "Rally:Telemetry:OtlpEndpoint is not valid (environment variable Rally__Telemetry__OtlpEndpoint)", "" },
        { "a k of one (a front co-hosting its silo checks it once)", "Rally__Privacy__MinCellSize=1", "Rally:Privacy:MinCellSize is not valid (environment variable Rally__Privacy__MinCellSize): expected a whole number from 2 to 1000000", "" },
        { "an upload limit of nothing", "Rally__RateLimits__Uploads__PerMinute=0", "Rally:RateLimits:Uploads:PerMinute is not valid (environment variable Rally__RateLimits__Uploads__PerMinute): expected a whole number of requests a minute, at least 1", "" },
        { "a cluster certificate that does not load", $"ConnectionStrings__Rally={Unreachable}|Rally__OperatorKey={Secret}|Rally__StudyIds__Key={Secret}|Rally__Cluster__Tls__CertificatePath={NotACertificate}|Rally__Cluster__Tls__CaPath={NotACertificate}", "Rally:Cluster:Tls:CertificatePath is not valid (environment variable Rally__Cluster__Tls__CertificatePath): expected a PEM certificate with its private key", "the file did not load" },
        { "a proxy that is not an address", "Rally__ForwardedHeaders__KnownProxies__0=proxy.local", "Rally:ForwardedHeaders:KnownProxies:0 is not valid (environment variable Rally__ForwardedHeaders__KnownProxies__0): expected an IP address", "" },
    };

    [Theory]
    [MemberData(nameof(SiloCases))]
    public async Task The_silo_refuses_to_start_with_one_line_naming_the_setting(string problem, string environment, string line, string expects)
    {
        await using var silo = RallyProcess.StartBareSilo(Environment(environment));

        await AssertRefusedAsync(silo, problem, line, expects);
    }

    [Theory]
    [MemberData(nameof(ApiCases))]
    public async Task The_api_refuses_to_start_with_one_line_naming_the_setting(string problem, string environment, string line, string expects)
    {
        await using var api = RallyProcess.StartApi(Environment(environment));

        await AssertRefusedAsync(api, problem, line, expects);
    }

    private static async Task AssertRefusedAsync(RallyProcess process, string problem, string line, string expects)
    {
        var exitCode = await process.ExitCodeAsync(TimeSpan.FromSeconds(60));

        var errors = process.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var context = $"{problem}: exit code {exitCode}; everything printed:\n{process.Output}";
        Assert.True(exitCode == 2, context);
        var single = Assert.Single(errors);
        Assert.StartsWith(line, single, StringComparison.Ordinal);
        Assert.Contains(expects, single, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("short", single.Replace("shorter", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary><c>KEY=value|KEY=value</c>, plus free ports so that no case collides with a running Rally.</summary>
    private static Dictionary<string, string> Environment(string settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Rally__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Rally__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var setting in settings.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            environment[setting[..equals]] = setting[(equals + 1)..];
        }
        return environment;
    }
}
