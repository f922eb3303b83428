using System.Numerics;
using System.Security.Cryptography;
using CsCheck;
using Rally.Api.Ingestion;

namespace Rally.Tests.Ingestion;

/// <summary>
/// The on-curve check of a payload's ephemeral key works on fixed-width words: its field arithmetic is checked against
/// <see cref="BigInteger"/>, and the check itself against points .NET's own P-256 keys give and points just off them.
/// </summary>
public sealed class P256CurveTests
{
    private static readonly BigInteger Prime = Parse("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    private static readonly BigInteger B = Parse("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    /// <summary>Field elements, with the edges (0, 1, p − 1, words all ones or all zeros) far more often than chance gives them.</summary>
    private static readonly Gen<BigInteger> Element = Gen.Frequency(
        (6, Gen.Byte.Array[32].Select(bytes => new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % Prime)),
        (1, Gen.Int[0, 5].Select(i => new[] { BigInteger.Zero, BigInteger.One, Prime - 1, Prime - 2, (BigInteger.One << 255) % Prime, (BigInteger.One << 224) - 1 }[i])),
        (2, Gen.Int[0, 255].Array[8].Select(masks => masks.Aggregate(BigInteger.Zero, (n, m) => (n << 32) + (m % 3 == 0 ? 0 : m % 3 == 1 ? uint.MaxValue : (uint)m)) % Prime)));

    [Fact]
    public void Multiplying_agrees_with_big_integers()
    {
        Gen.Select(Element, Element).Sample((a, b) => Apply(P256Curve.Multiply, a, b) == a * b % Prime, iter: 20_000);
    }

    [Fact]
    public void Adding_and_subtracting_agree_with_big_integers()
    {
        Gen.Select(Element, Element).Sample((a, b) =>
            Apply(P256Curve.Add, a, b) == (a + b) % Prime && Apply(P256Curve.Subtract, a, b) == (((a - b) % Prime) + Prime) % Prime, iter: 20_000);
    }

    [Fact]
    public void Every_public_point_of_a_real_key_is_on_the_curve_and_the_same_point_altered_is_not()
    {
        Gen.Int[0, 511].Sample(bit =>
        {
            var (x, y) = RealPoint();
            var altered = (bit < 256 ? x : y).ToArray();
            altered[bit % 256 / 8] ^= (byte)(1 << (bit % 8));
            return P256Curve.Contains(x, y)
                && P256Curve.Contains(x, Negated(y))
                && !P256Curve.Contains(bit < 256 ? altered : x, bit < 256 ? y : altered);
        }, iter: 300);
    }

    [Fact]
    public void Any_pair_of_coordinates_is_judged_as_the_curve_equation_judges_it()
    {
        // Random pairs are practically never on the curve: real points, their negations and near misses are mixed in.
        var real = Gen.Int[0, 3].Select(kind =>
        {
            var (x, y) = RealPoint();
            y = kind == 1 ? Negated(y) : y;
            if (kind == 2)
            {
                y[31] ^= 1;
            }
            return (x, y);
        });
        Gen.Frequency((1, Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32])), (1, real))
            .Sample(pair => P256Curve.Contains(pair.Item1, pair.Item2) == Reference(pair.Item1, pair.Item2), iter: 5_000);
    }

    [Fact]
    public void A_coordinate_not_below_p_is_refused_even_when_its_remainder_is_on_the_curve()
    {
        // The smallest x on the curve, whose y is rhs^((p + 1) / 4) as p ≡ 3 (mod 4): x + p still fits in 32 bytes, so
        // (x + p, y) is on the curve modulo p and only the range check refuses it.
        var x = Enumerable.Range(0, 100).Select(i => new BigInteger(i)).First(i => IsSquare(RightSide(i)));
        var y = BigInteger.ModPow(RightSide(x), (Prime + 1) / 4, Prime);
        var (xBytes, yBytes) = (Bytes(x), Bytes(y));
        Assert.True(P256Curve.Contains(xBytes, yBytes));
        Assert.True(Reference(xBytes, yBytes));

        Assert.False(P256Curve.Contains(Bytes(x + Prime), yBytes));
        Assert.False(P256Curve.Contains(Bytes(Prime), yBytes));
        Assert.False(P256Curve.Contains(xBytes, Enumerable.Repeat((byte)0xff, 32).ToArray()));

        // And y: (x₁, 1) is on the curve for this x₁ (a root of x³ − 3x + b − 1), so (x₁, 1 + p) is so modulo p.
        var x1 = Convert.FromHexString("6916fac45e568b6b9e2e2ecd611b282e5fcc40a3067d601057f879ce5a8a73cc");
        var one = Bytes(BigInteger.One);
        Assert.True(Reference(x1, one));
        Assert.True(P256Curve.Contains(x1, one));
        Assert.False(P256Curve.Contains(x1, Bytes(Prime + 1)));
        Assert.False(P256Curve.Contains(xBytes, yBytes.AsSpan(0, 31).ToArray()));
    }

    private static BigInteger RightSide(BigInteger x) => ((((x * x * x) - (3 * x) + B) % Prime) + Prime) % Prime;

    private static bool IsSquare(BigInteger n) => n.IsZero || BigInteger.ModPow(n, (Prime - 1) / 2, Prime).IsOne;

    private static bool Reference(byte[] xBytes, byte[] yBytes)
    {
        var (x, y) = (Number(xBytes), Number(yBytes));
        return x < Prime && y < Prime && y * y % Prime == RightSide(x);
    }

    private delegate void Operation(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result);

    private static BigInteger Apply(Operation operation, BigInteger a, BigInteger b)
    {
        Span<uint> result = stackalloc uint[8];
        operation(Words(a), Words(b), result);
        var n = BigInteger.Zero;
        for (var i = 7; i >= 0; i--)
        {
            n = (n << 32) + result[i];
        }
        return n;
    }

    private static uint[] Words(BigInteger n) => [.. Enumerable.Range(0, 8).Select(i => (uint)((n >> (32 * i)) & uint.MaxValue))];

    private static BigInteger Number(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    /// <summary>The public point of a new key, as a JWK's x and y decode.</summary>
    private static (byte[] X, byte[] Y) RealPoint()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        return (point.X!, point.Y!);
    }

    /// <summary>−y mod p: the same x's other point.</summary>
    private static byte[] Negated(byte[] y) => Bytes(Prime - Number(y));

    /// <summary>A number below 2²⁵⁶ as 32 big-endian bytes.</summary>
    private static byte[] Bytes(BigInteger n) => Pad(n.ToByteArray(isUnsigned: true, isBigEndian: true));

    private static byte[] Pad(byte[] bigEndian) => [.. new byte[32 - bigEndian.Length], .. bigEndian];

    private static BigInteger Parse(string hex) => Number(Convert.FromHexString(hex));
}
