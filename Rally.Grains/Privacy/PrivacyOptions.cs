using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Privacy;

/// <summary>How what Rally publishes about people is protected, bound from <c>Rally:Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Rally:Privacy";

    /// <summary>
    /// k: the smallest count of people Rally publishes beyond a study's own researchers (the panel's figures, public
    /// participation counts). Smaller counts are suppressed, and so are enough others that no subtraction reveals
    /// them. Default 10; at least 2.
    /// </summary>
    [Range(2, int.MaxValue)]
    public int MinCellSize { get; set; } = 10;
}
