using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Platform;

/// <summary>The platform's own rules, bound from the <c>Rally:Platform</c> configuration section.</summary>
public sealed class PlatformOptions
{
    public const string Section = "Rally:Platform";

    /// <summary>The platform consent a participant must give to join. Default <c>1.0</c>.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    public string ConsentVersion { get; set; } = "1.0";

    /// <summary>The minimum age a participant attests to. Default 19.</summary>
    [Range(18, 120)]
    public int MinimumAge { get; set; } = 19;

    /// <summary>Where participants must live (ISO 3166 code). Default <c>US</c>.</summary>
    [Required]
    public string Country { get; set; } = "US";
}
