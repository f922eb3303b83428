using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Partners;

/// <summary>Caps on what one research partner may accumulate, bound from <c>Rally:Partners</c>.</summary>
public sealed class PartnerOptions
{
    public const string Section = "Rally:Partners";

    /// <summary>
    /// Studies one partner may hold in the draft state at once; a launched study no longer counts. Default 20. One more
    /// draft is <c>409 limit-reached</c>.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxDrafts { get; set; } = 20;

    /// <summary>
    /// Researcher keys one partner may hold that are not revoked. Default 50; revoking a key frees its place. One more
    /// is <c>409 limit-reached</c>.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxResearchers { get; set; } = 50;
}
