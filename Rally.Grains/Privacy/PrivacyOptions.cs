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
    /// k: the smallest count Rally publishes to anyone but a study's own researchers; smaller cells are suppressed.
    /// Default 10, at least 2.
    /// </summary>
    [Range(2, 1_000_000)]
    public int MinCellSize { get; set; } = 10;

    /// <summary>
    /// The total ε each study may spend on differentially private releases (basic composition: the ε of its releases
    /// add up). Default 3.0. A release that would pass it is <c>409 privacy-budget-exhausted</c>.
    /// </summary>
    [Range(0.01, 100.0)]
    public double StudyBudget { get; set; } = 3.0;
}
