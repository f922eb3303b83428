using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Rally.Grains.Security;

/// <summary>
/// A server secret from configuration. No default: required with PostgreSQL, where changing it breaks what it made; the
/// embedded default makes one up for its run, whose data dies with it (see <c>AddRallySecret</c> in Rally.Silo).
/// </summary>
public abstract class ServerSecretOptions
{
    /// <summary>A secret of at least 32 characters, the same on every process that uses it.</summary>
    [Required, MinLength(32), Description("a secret (e.g. from openssl rand -hex 32)")]
    public string Key { get; set; } = "";

    /// <summary>A key of its own for each use of the secret (HKDF-SHA256, <paramref name="purpose"/> as info), so no two uses share one.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Key), 32, info: Encoding.UTF8.GetBytes(purpose));
}
