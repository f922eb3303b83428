using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Privacy;

/// <summary>
/// How Rally protects participants in the figures it shows beyond a study's own researchers, bound from
/// <c>Rally:Privacy</c> (read by the API fronts and the silos alike).
/// </summary>
public sealed class PrivacyOptions
{
    public const string Section = "Rally:Privacy";

    /// <summary>
    /// k: the smallest count shown to anyone but a study's own researchers and operators; a smaller one is suppressed
    /// ("fewer than k"). Default 10, at least 2 (a count of 1 would single someone out).
    /// </summary>
    [Range(2, 1_000_000)]
    public int MinCellSize { get; set; } = 10;
}
