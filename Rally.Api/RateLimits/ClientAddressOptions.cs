using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Rally.Api.RateLimits;

/// <summary>
/// Which proxies may name the client's address (<c>X-Forwarded-For</c>), bound from <c>Rally:ForwardedHeaders</c>.
/// None by default: the address is the connection's, and a caller cannot pick its own bucket with a header.
/// </summary>
public sealed class ClientAddressOptions : IValidatableObject
{
    public const string Section = "Rally:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies (e.g. <c>10.0.0.5</c>). Default none.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies in CIDR form (e.g. <c>10.0.0.0/8</c>). Default none.</summary>
    public IList<string> KnownNetworks { get; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return new ValidationResult("expected an IP address", [$"{nameof(KnownProxies)}:{i}"]);
            }
        }
        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return new ValidationResult("expected a network in CIDR form, e.g. 10.0.0.0/8", [$"{nameof(KnownNetworks)}:{i}"]);
            }
        }
    }
}
