using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Rally.Api.Studies;
using Rally.Grains.Ingestion;

namespace Rally.Api.Ingestion;

/// <summary>
/// The export cursors researchers see: the store's position (<see cref="EventCursor"/>, a transaction id and a sequence
/// number, both counted across all studies) sealed with AES-GCM under a key derived from <c>Rally:StudyIds:Key</c>, the
/// study id as associated data, in base64url (59 characters). Opaque, so the gap between two cursors does not tell how
/// much other studies stored meanwhile; authenticated, so a researcher can neither probe positions of its own making
/// nor resume with another study's cursor.
/// </summary>
public sealed class ExportCursors(IOptions<StudyIdOptions> options)
{
    private const int NonceBytes = 12;
    private const int PositionBytes = 16;
    private const int TagBytes = 16;
    private const int SealedBytes = NonceBytes + PositionBytes + TagBytes;

    /// <summary>The length of every cursor, whatever its position.</summary>
    public static readonly int Length = Base64Url.GetEncodedLength(SealedBytes);

    private readonly byte[] _sealKey = options.Value.DeriveKey("rally/export-cursors/aes-256-gcm");
    private readonly byte[] _nonceKey = options.Value.DeriveKey("rally/export-cursors/nonce");

    /// <summary>Seals the positions of one study's export (one per request: not thread-safe).</summary>
    public Sealer For(string studyId) => new(this, studyId);

    /// <summary>The position <paramref name="cursor"/> seals, if it is a cursor of <paramref name="studyId"/> exactly as handed out.</summary>
    public bool TryOpen(string studyId, string cursor, out EventCursor position)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        position = default;
        Span<byte> data = stackalloc byte[SealedBytes];
        if (cursor.Length != Length || !Base64Url.IsValid(cursor, out var length) || length != SealedBytes)
        {
            return false;
        }
        try
        {
            Base64Url.DecodeFromChars(cursor, data);
        }
        catch (FormatException)
        {
            return false;
        }
        // One spelling per cursor: bits past the last byte must be zero.
        if (Base64Url.EncodeToString(data) != cursor)
        {
            return false;
        }
        Span<byte> plain = stackalloc byte[PositionBytes];
        using var aes = new AesGcm(_sealKey, TagBytes);
        try
        {
            aes.Decrypt(data[..NonceBytes], data.Slice(NonceBytes, PositionBytes), data[^TagBytes..], plain, Encoding.UTF8.GetBytes(studyId));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        position = new EventCursor(BinaryPrimitives.ReadInt64BigEndian(plain), BinaryPrimitives.ReadInt64BigEndian(plain[8..]));
        return true;
    }

    /// <summary>Seals positions of one study, reusing one cipher for the lines of an export.</summary>
    public sealed class Sealer : IDisposable
    {
        private readonly AesGcm _aes;
        private readonly byte[] _nonceKey;
        private readonly byte[] _studyId;

        internal Sealer(ExportCursors cursors, string studyId)
        {
            _aes = new AesGcm(cursors._sealKey, TagBytes);
            _nonceKey = cursors._nonceKey;
            _studyId = Encoding.UTF8.GetBytes(studyId);
        }

        public string Seal(EventCursor position)
        {
            Span<byte> data = stackalloc byte[SealedBytes];
            Span<byte> plain = stackalloc byte[PositionBytes];
            BinaryPrimitives.WriteInt64BigEndian(plain, position.Transaction);
            BinaryPrimitives.WriteInt64BigEndian(plain[8..], position.Sequence);
            // A synthetic nonce, the MAC of study and position, rather than a random one: one key seals billions of
            // cursors over its life, more than random 96-bit nonces safely allow; a repeat only repeats a cursor.
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_nonceKey, [.. _studyId, .. plain], mac);
            mac[..NonceBytes].CopyTo(data);
            _aes.Encrypt(data[..NonceBytes], plain, data.Slice(NonceBytes, PositionBytes), data[^TagBytes..], _studyId);
            return Base64Url.EncodeToString(data);
        }

        public void Dispose() => _aes.Dispose();
    }
}
