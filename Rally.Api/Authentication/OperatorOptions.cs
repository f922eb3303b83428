using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Authentication;

/// <summary>The operators' credential, bound from the <c>Rally</c> section: <c>Rally:OperatorKey</c> (environment <c>Rally__OperatorKey</c>).</summary>
public sealed class OperatorOptions
{
    public const string Section = "Rally";

    /// <summary>
    /// The operator key. No default: in the embedded mode one is generated and printed once at start
    /// when none is configured; elsewhere the API refuses to start without it.
    /// </summary>
    [Required, MinLength(24), Description("a secret (e.g. from openssl rand -hex 24)")]
    public string OperatorKey { get; set; } = "";

    /// <summary>True when the key was generated at this start (and so must be shown to the operator once). Not a setting.</summary>
    public bool Generated { get; internal set; }
}
