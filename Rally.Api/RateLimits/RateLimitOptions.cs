using System.ComponentModel.DataAnnotations;

namespace Rally.Api.RateLimits;

/// <summary>
/// How much traffic each caller may send, bound from <c>Rally:RateLimits</c>. Every limit is per front (each front
/// counts on its own; with N fronts behind a balancer a caller may send up to N times as much). The defaults are far
/// above what a real add-on, participant page or researcher script sends, and far below what a flood needs.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "Rally:RateLimits";

    /// <summary>
    /// Requests without a verified credential (joins, the catalogue, study cards, the platform, and any request whose
    /// credential fails verification), per client address (an IPv6 client by its /64). Default 300 a minute, bursts of
    /// 100: a household or office of ~100 add-ons starting at once behind one address.
    /// </summary>
    [Required]
    public RateLimit Anonymous { get; set; } = new() { PerMinute = 300, Burst = 100 };

    /// <summary>
    /// Requests of one verified credential (participant token, researcher key, operator key), on any route. Default 600
    /// a minute, bursts of 200: an add-on makes a few calls a minute, a researcher's script pages an export.
    /// </summary>
    [Required]
    public RateLimit Credential { get; set; } = new() { PerMinute = 600, Burst = 200 };

    /// <summary>Uploads of one participant (any study). Default 60 a minute, bursts of 20: add-ons send a batch every few minutes.</summary>
    [Required]
    public RateLimit Uploads { get; set; } = new() { PerMinute = 60, Burst = 20 };

    /// <summary>Export requests of one researcher. Default 120 a minute, bursts of 40: a script paging through a study.</summary>
    [Required]
    public RateLimit Exports { get; set; } = new() { PerMinute = 120, Burst = 40 };

    /// <summary>Notice hub requests (negotiate and connect) of one participant. Default 20 a minute, bursts of 10: reconnects.</summary>
    [Required]
    public RateLimit HubConnections { get; set; } = new() { PerMinute = 20, Burst = 10 };

    /// <summary>
    /// A participant's exports of its own data (<c>GET /v1/me/export</c>: it reads the audit of every study the
    /// participant is or was in). Default 12 a minute, bursts of 6: a person opening "my data" now and then.
    /// </summary>
    public RateLimit OwnData { get; set; } = new() { PerMinute = 12, Burst = 6 };

    /// <summary>
    /// Exports running at once on a front, whoever runs them: each holds a database connection while its reader reads.
    /// Default 8.
    /// </summary>
    [Range(1, 10_000)]
    public int ConcurrentExports { get; set; } = 8;

    /// <summary>
    /// Exports of one study running at once on a front, so that one study's scripts cannot take every export slot.
    /// Default 2.
    /// </summary>
    [Range(1, 10_000)]
    public int ConcurrentExportsPerStudy { get; set; } = 2;

    /// <summary>
    /// Notice hub connections one participant holds open at once on a front (a connection is one long request). Default
    /// 5: a browser or two with a few windows each. One more is refused with <c>429</c> until one closes.
    /// </summary>
    [Range(1, 10_000)]
    public int OpenHubConnections { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, limit) in new[] { (nameof(Anonymous), Anonymous), (nameof(Credential), Credential), (nameof(Uploads), Uploads), (nameof(Exports), Exports), (nameof(HubConnections), HubConnections), (nameof(OwnData), OwnData) })
        {
            if (limit.PerMinute < 1)
            {
                yield return new ValidationResult("expected a whole number of requests a minute, at least 1", [$"{name}:{nameof(RateLimit.PerMinute)}"]);
            }
            if (limit.Burst < 1)
            {
                yield return new ValidationResult("expected a whole number of requests at once, at least 1", [$"{name}:{nameof(RateLimit.Burst)}"]);
            }
        }
    }
}

/// <summary>A token bucket: <see cref="Burst"/> requests at once, refilled at <see cref="PerMinute"/> a minute.</summary>
public sealed class RateLimit
{
    [Range(1, 100_000_000)]
    public int PerMinute { get; set; }

    [Range(1, 100_000_000)]
    public int Burst { get; set; }
}
