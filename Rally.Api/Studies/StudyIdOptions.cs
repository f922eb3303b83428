using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Rally.Api.Studies;

/// <summary>
/// The fronts' secret behind study ids and export cursors, from <c>Rally:StudyIds:Key</c> (environment
/// <c>Rally__StudyIds__Key</c>): study ids carry a MAC under it (<see cref="StudyIds"/>), export cursors are sealed with
/// it (<see cref="Ingestion.ExportCursors"/>).
/// </summary>
public sealed class StudyIdOptions
{
    public const string Section = "Rally:StudyIds";

    /// <summary>
    /// A secret of at least 32 characters, the same on every front. No default: required with PostgreSQL (changing it
    /// makes every study drafted since unreachable, and every cursor handed out invalid); the embedded default makes
    /// one up for its run, whose data is not kept anyway.
    /// </summary>
    [Required, MinLength(32), Description("a secret (e.g. from openssl rand -hex 32)")]
    public string Key { get; set; } = "";

    /// <summary>A key of its own for each use of the secret (HKDF-SHA256, <paramref name="purpose"/> as info), so no two uses share one.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Key), 32, info: Encoding.UTF8.GetBytes(purpose));
}
