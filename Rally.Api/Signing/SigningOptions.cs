using System.ComponentModel.DataAnnotations;
using Rally.Grains.Security;

namespace Rally.Api.Signing;

/// <summary>
/// The platform's signing key, from <c>Rally:Signing:Key</c> (environment <c>Rally__Signing__Key</c>): a secret of at least
/// 32 characters, like the fronts' other secrets, from which the P-256 private key that signs deletion receipts is derived
/// (<see cref="PlatformKeys"/>), the same on every front. Its public key is published at <c>/.well-known/jwks.json</c>.
/// To rotate, set a new key and keep the old public key published in <see cref="PreviousPublicKeys"/>, so that receipts
/// signed before still verify.
/// </summary>
public sealed class SigningOptions : ServerSecretOptions, IValidatableObject
{
    public const string Section = "Rally:Signing";

    /// <summary>
    /// Public keys of earlier signing keys, each a JWK as <c>/.well-known/jwks.json</c> listed it (EC P-256; its <c>kid</c>,
    /// <c>use</c> and <c>alg</c> may be left out): published beside the current key, never used to sign. Default none.
    /// </summary>
    public string[] PreviousPublicKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < PreviousPublicKeys.Length; i++)
        {
            // The value is never quoted: were it a private key by mistake, it would end up in a log.
            if (!PublishedKey.TryParse(PreviousPublicKeys[i], out _))
            {
                yield return new ValidationResult(
                    "expected a public JWK (EC P-256, members kty, crv, x and y, no private part) as JSON, as /.well-known/jwks.json lists it",
                    [$"{nameof(PreviousPublicKeys)}:{i}"]);
            }
        }
    }
}
