namespace Rally.Grains.Privacy.Noise;

/// <summary>
/// Where noise gets its randomness: uniformly random bytes. Rally's is <see cref="CryptoRandomBits"/>; tests inject a
/// seeded one to check distributions reproducibly.
/// </summary>
public interface IRandomBits
{
    void Fill(Span<byte> destination);
}
