using Rally.Grains.Security;

namespace Rally.Grains.Ingestion;

/// <summary>
/// The key of the study pseudonyms, from <c>Rally:Pseudonyms:Key</c> (environment <c>Rally__Pseudonyms__Key</c>), read by
/// the silos. Changing it changes every pseudonym.
/// </summary>
public sealed class PseudonymOptions : ServerSecretOptions
{
    public const string Section = "Rally:Pseudonyms";
}
