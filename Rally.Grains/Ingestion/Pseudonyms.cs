using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Rally.Grains.Ingestion;

/// <summary>
/// A participant's name in one study: a keyed hash (HMAC-SHA256) of participant and study. Stable, so a
/// researcher can link a participant's events within the study; unlinkable across studies and to the
/// platform-wide id without the key.
/// </summary>
public sealed class Pseudonyms(IOptions<PseudonymOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public string For(Guid participantId, string studyId)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{participantId:N}/{studyId}"));
        return Base64Url.EncodeToString(mac.AsSpan(0, 16));
    }
}
