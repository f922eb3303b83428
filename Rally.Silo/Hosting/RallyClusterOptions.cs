using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Rally.Silo.Hosting;

/// <summary>How this silo joins the cluster, bound from <c>Rally:Cluster</c>. Every silo and API front of one deployment must agree.</summary>
public sealed class RallyClusterOptions : IValidatableObject
{
    public const string Section = "Rally:Cluster";

    /// <summary>The Orleans cluster id (one per deployment). Default <c>rally</c>.</summary>
    [Required]
    public string ClusterId { get; set; } = "rally";

    /// <summary>The Orleans service id, stable across deployments (it keys stored state). Default <c>rally</c>.</summary>
    [Required]
    public string ServiceId { get; set; } = "rally";

    /// <summary>The address other silos and clients reach this silo at. Default <c>127.0.0.1</c>; set it to the host's or pod's IP.</summary>
    [Required, Description("an IP address")]
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port API fronts (Orleans clients) connect to. Default 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdvertisedIPAddress, out _))
        {
            yield return new ValidationResult("expected an IP address (the host's or pod's), not a host name", [nameof(AdvertisedIPAddress)]);
        }
    }
}
