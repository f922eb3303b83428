using System.Security.Cryptography;

namespace Rally.Grains.Privacy.Noise;

/// <summary>The operating system's cryptographic generator: noise nobody can predict or replay.</summary>
public sealed class CryptoRandomBits : IRandomBits
{
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
