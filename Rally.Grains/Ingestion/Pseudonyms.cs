using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Rally.Grains.Ingestion;

/// <summary>
/// A participant's name in one enrollment: a keyed hash (HMAC-SHA256) of participant, study and the enrollment's
/// random id. Stable while the participant stays enrolled (re-consent included), so a researcher can link its events
/// within the enrollment; a new enrollment after leaving gets a new name, which nobody can link to the old one, to
/// another study's or to the platform-wide id without the key and the enrollment ids.
/// </summary>
public sealed class Pseudonyms(IOptions<PseudonymOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    /// <summary>
    /// The pseudonym of enrollment <paramref name="enrollment"/>; null for an enrollment made before enrollments had
    /// ids, whose name (one per participant and study) is kept until it ends.
    /// </summary>
    public string For(Guid participantId, string studyId, Guid? enrollment)
    {
        var input = enrollment is { } id ? $"{participantId:N}/{studyId}/{id:N}" : $"{participantId:N}/{studyId}";
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(input));
        return Base64Url.EncodeToString(mac.AsSpan(0, 16));
    }
}
