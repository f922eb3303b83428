using Rally.Grains.Privacy.Noise;

namespace Rally.Tests.Infrastructure;

/// <summary>Reproducible random bytes for tests of the noise samplers (never for real releases).</summary>
public sealed class SeededRandomBits(int seed) : IRandomBits
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}
