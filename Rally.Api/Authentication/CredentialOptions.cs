using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Rally.Api.Authentication;

/// <summary>
/// The fronts' secret behind participant tokens and researcher keys, from <c>Rally:Credentials:Key</c> (environment
/// <c>Rally__Credentials__Key</c>): every credential issued carries a MAC under it (<see cref="Credentials"/>), so a made-up
/// one is refused without asking any grain.
/// </summary>
public sealed class CredentialOptions
{
    public const string Section = "Rally:Credentials";

    /// <summary>
    /// A secret of at least 32 characters, the same on every front. No default: required with PostgreSQL (changing it
    /// refuses every credential issued since it was set); the embedded default makes one up for its run, whose
    /// participants and researchers die with it anyway.
    /// </summary>
    [Required, MinLength(32), Description("a secret (e.g. from openssl rand -hex 32)")]
    public string Key { get; set; } = "";

    /// <summary>A key of its own for each use of the secret (HKDF-SHA256, <paramref name="purpose"/> as info).</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Key), 32, info: Encoding.UTF8.GetBytes(purpose));
}
