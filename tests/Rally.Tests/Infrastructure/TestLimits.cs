namespace Rally.Tests.Infrastructure;

/// <summary>
/// Rate limits for fronts that tests and benchmarks drive from one address (loopback is not exempt): high enough never
/// to be met, so that only the tests of the limits themselves meet one (they set their own).
/// </summary>
public static class TestLimits
{
    private const string High = "100000000";

    /// <summary>As configuration keys (<c>Rally:RateLimits:…</c>).</summary>
    public static IReadOnlyDictionary<string, string> Generous { get; } = new Dictionary<string, string>
    {
        ["Rally:RateLimits:Anonymous:PerMinute"] = High,
        ["Rally:RateLimits:Anonymous:Burst"] = High,
        ["Rally:RateLimits:Credential:PerMinute"] = High,
        ["Rally:RateLimits:Credential:Burst"] = High,
        ["Rally:RateLimits:Uploads:PerMinute"] = High,
        ["Rally:RateLimits:Uploads:Burst"] = High,
        ["Rally:RateLimits:Exports:PerMinute"] = High,
        ["Rally:RateLimits:Exports:Burst"] = High,
        ["Rally:RateLimits:HubConnections:PerMinute"] = High,
        ["Rally:RateLimits:HubConnections:Burst"] = High,
        ["Rally:RateLimits:OwnData:PerMinute"] = High,
        ["Rally:RateLimits:OwnData:Burst"] = High,
        ["Rally:RateLimits:ConcurrentExports"] = "10000",
        ["Rally:RateLimits:ConcurrentExportsPerStudy"] = "10000",
        ["Rally:RateLimits:OpenHubConnections"] = "10000",
    };

    /// <summary>As environment variables (<c>Rally__RateLimits__…</c>), for processes.</summary>
    public static IReadOnlyDictionary<string, string> GenerousEnvironment { get; } =
        Generous.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
}
