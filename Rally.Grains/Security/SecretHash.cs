using System.Security.Cryptography;

namespace Rally.Grains.Security;

/// <summary>Compares stored secret hashes in constant time, so timing says nothing about a near miss.</summary>
internal static class SecretHash
{
    public static bool Matches(byte[]? stored, byte[] presented) =>
        stored is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(stored, presented);
}
