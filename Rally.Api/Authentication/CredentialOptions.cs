using Rally.Grains.Security;

namespace Rally.Api.Authentication;

/// <summary>
/// The fronts' secret behind participant tokens and researcher keys, from <c>Rally:Credentials:Key</c> (environment
/// <c>Rally__Credentials__Key</c>): every credential issued carries a MAC under it (<see cref="Credentials"/>), so a made-up
/// one is refused without asking any grain. Changing it refuses every credential issued since it was set.
/// </summary>
public sealed class CredentialOptions : ServerSecretOptions
{
    public const string Section = "Rally:Credentials";
}
