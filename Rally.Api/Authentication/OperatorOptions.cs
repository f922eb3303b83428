using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Authentication;

/// <summary>
/// The operators' credentials, bound from the <c>Rally</c> section: <c>Rally:OperatorKey</c> (environment
/// <c>Rally__OperatorKey</c>) and, to rotate a key without downtime, more in <c>Rally:OperatorKeys</c> (environment
/// <c>Rally__OperatorKeys__0</c>, <c>Rally__OperatorKeys__1</c>, …): every one of them is accepted.
/// </summary>
public sealed class OperatorOptions : IValidatableObject
{
    public const string Section = "Rally";

    /// <summary>Shortest operator key accepted.</summary>
    public const int MinimumKeyLength = 24;

    /// <summary>
    /// The operator key. No default: in the embedded mode one is generated and printed once at start when none is
    /// configured; elsewhere the API refuses to start without it (or the first of <see cref="OperatorKeys"/>).
    /// </summary>
    [Required, MinLength(MinimumKeyLength), Description("a secret (e.g. from openssl rand -hex 24)")]
    public string OperatorKey { get; set; } = "";

    /// <summary>
    /// More operator keys, accepted as well (default: none). To rotate: add the new key here on every front, hand it out,
    /// then remove the old one; no front ever refuses both.
    /// </summary>
    [Description("secrets of at least 24 characters each")]
    public string[] OperatorKeys { get; set; } = [];

    /// <summary>True when the key was generated at this start (and so must be shown to the operator once). Not a setting.</summary>
    public bool Generated { get; internal set; }

    /// <summary>Every key accepted.</summary>
    public IEnumerable<string> AllKeys() => OperatorKeys.Prepend(OperatorKey).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OperatorKeys.Any(k => k.Length < MinimumKeyLength))
        {
            yield return new ValidationResult($"expected secrets of at least {MinimumKeyLength} characters each", [nameof(OperatorKeys)]);
        }
    }
}
