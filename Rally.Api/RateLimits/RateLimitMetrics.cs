using System.Diagnostics.Metrics;

namespace Rally.Api.RateLimits;

/// <summary>Requests refused for their rate (meter <c>Rally.Http</c>, counter <c>rally.http.rate_limited</c>, tagged by the limit).</summary>
public sealed class RateLimitMetrics
{
    public const string MeterName = "Rally.Http";

    private readonly Counter<long> _refused;

    public RateLimitMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _refused = meters.Create(MeterName).CreateCounter<long>("rally.http.rate_limited", "{request}", "Requests refused with 429 for their rate");
    }

    public void Refused(string limit) => _refused.Add(1, new KeyValuePair<string, object?>("limit", limit));
}
