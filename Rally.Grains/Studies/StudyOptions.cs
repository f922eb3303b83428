using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Studies;

/// <summary>Caps on what one study may accumulate, bound from <c>Rally:Studies</c>.</summary>
public sealed class StudyOptions
{
    public const string Section = "Rally:Studies";

    /// <summary>
    /// Consent versions one study may publish (its history is kept whole). Default 50: a study revising its consent
    /// every week for a year stays under it. One more is <c>409 limit-reached</c>.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConsentVersions { get; set; } = 50;
}
