using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Ingestion;

/// <summary>The key of the study pseudonyms, from <c>Rally:Pseudonyms:Key</c> (environment <c>Rally__Pseudonyms__Key</c>).</summary>
public sealed class PseudonymOptions
{
    public const string Section = "Rally:Pseudonyms";

    /// <summary>
    /// A secret of at least 32 characters. No default: required with PostgreSQL (changing it changes every
    /// pseudonym); the embedded default makes one up for its run, whose data is not kept anyway.
    /// </summary>
    [Required, MinLength(32), Description("a secret (e.g. from openssl rand -hex 32)")]
    public string Key { get; set; } = "";
}
