using System.Buffers.Binary;

namespace Rally.Api.Ingestion;

/// <summary>
/// Whether a public point lies on NIST P-256: y² = x³ − 3x + b (mod p), with x and y below p. Runs for every event of
/// every upload, so it works on eight 32-bit words on the stack with p's special-form reduction (FIPS 186-4, D.2.3)
/// rather than with <see cref="System.Numerics.BigInteger"/>, whose divisions and allocations made it ≈ 8 % of the
/// front's CPU under load. Only public values are computed, so it need not run in constant time.
/// </summary>
internal static class P256Curve
{
    private const int Words = 8;

    /// <summary>p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1, least significant word first.</summary>
    private static ReadOnlySpan<uint> Prime => [0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 1, 0xffffffff];

    /// <summary>The curve's b, least significant word first.</summary>
    private static ReadOnlySpan<uint> B => [0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0, 0x769886bc, 0xb3ebbd55, 0xaa3a93e7, 0x5ac635d8];

    /// <summary>
    /// The nine 256-bit terms of the reduction of a 512-bit product c₀…c₁₅, each as the index of the product's word
    /// in its words 0 to 7 (−1 for zero), and their signs: s1 + 2·s2 + 2·s3 + s4 + s5 − s6 − s7 − s8 − s9.
    /// </summary>
    private static ReadOnlySpan<sbyte> Terms =>
    [
        0, 1, 2, 3, 4, 5, 6, 7,
        -1, -1, -1, 11, 12, 13, 14, 15,
        -1, -1, -1, 12, 13, 14, 15, -1,
        8, 9, 10, -1, -1, -1, 14, 15,
        9, 10, 11, 13, 14, 15, 13, 8,
        11, 12, 13, -1, -1, -1, 8, 10,
        12, 13, 14, 15, -1, -1, 9, 11,
        13, 14, 15, 8, 9, 10, -1, 12,
        14, 15, -1, 9, 10, 11, -1, 13,
    ];

    private static ReadOnlySpan<sbyte> Signs => [1, 2, 2, 1, 1, -1, -1, -1, -1];

    /// <summary>Both coordinates are 32 bytes, big-endian, as a JWK gives them once decoded.</summary>
    public static bool Contains(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        if (x.Length != 32 || y.Length != 32)
        {
            return false;
        }
        Span<uint> xw = stackalloc uint[Words];
        Span<uint> yw = stackalloc uint[Words];
        Read(x, xw);
        Read(y, yw);
        if (!Below(xw, Prime) || !Below(yw, Prime))
        {
            return false;
        }
        Span<uint> left = stackalloc uint[Words];
        Span<uint> right = stackalloc uint[Words];
        Multiply(yw, yw, left);
        Multiply(xw, xw, right);
        Multiply(right, xw, right);
        Subtract(right, xw, right);
        Subtract(right, xw, right);
        Subtract(right, xw, right);
        Add(right, B, right);
        return left.SequenceEqual(right);
    }

    private static void Read(ReadOnlySpan<byte> bigEndian, Span<uint> words)
    {
        for (var i = 0; i < Words; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[((Words - 1 - i) * 4)..]);
        }
    }

    private static bool Below(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        for (var i = Words - 1; i >= 0; i--)
        {
            if (a[i] != b[i])
            {
                return a[i] < b[i];
            }
        }
        return false;
    }

    /// <summary>result = a · b mod p; result may be a or b.</summary>
    internal static void Multiply(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        Span<uint> product = stackalloc uint[2 * Words];
        product.Clear();
        for (var i = 0; i < Words; i++)
        {
            ulong carry = 0;
            for (var j = 0; j < Words; j++)
            {
                // At most (2³² − 1)² + 2 (2³² − 1) = 2⁶⁴ − 1: no overflow.
                var t = ((ulong)a[i] * b[j]) + product[i + j] + carry;
                product[i + j] = (uint)t;
                carry = t >> 32;
            }
            product[i + Words] = (uint)carry;
        }
        Reduce(product, result);
    }

    /// <summary>result = c mod p for a 512-bit c, by p's special form.</summary>
    private static void Reduce(ReadOnlySpan<uint> c, Span<uint> result)
    {
        Span<long> sum = stackalloc long[Words];
        sum.Clear();
        for (var term = 0; term < Signs.Length; term++)
        {
            for (var w = 0; w < Words; w++)
            {
                var index = Terms[(term * Words) + w];
                if (index >= 0)
                {
                    sum[w] += Signs[term] * (long)c[index];
                }
            }
        }
        // Carry out of word 7 is worth 2²⁵⁶ ≡ 2²²⁴ − 2¹⁹² − 2⁹⁶ + 1 (mod p): fold it back until none is left. A negative
        // carry adds p in effect, so this ends within a few rounds with every word in 0…2³² − 1.
        long carry;
        do
        {
            carry = 0;
            for (var w = 0; w < Words; w++)
            {
                sum[w] += carry;
                carry = sum[w] >> 32; // arithmetic: negative words borrow
                sum[w] &= 0xffffffff;
            }
            sum[0] += carry;
            sum[3] -= carry;
            sum[6] -= carry;
            sum[7] += carry;
        }
        while (carry != 0);
        for (var w = 0; w < Words; w++)
        {
            result[w] = (uint)sum[w];
        }
        while (!Below(result, Prime))
        {
            SubtractWords(result, Prime, result);
        }
    }

    /// <summary>result = a + b mod p, for a and b below p.</summary>
    internal static void Add(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        if (AddWords(a, b, result) || !Below(result, Prime))
        {
            SubtractWords(result, Prime, result);
        }
    }

    /// <summary>result = a − b mod p, for a and b below p.</summary>
    internal static void Subtract(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        if (SubtractWords(a, b, result))
        {
            AddWords(result, Prime, result);
        }
    }

    /// <summary>result = a + b modulo 2²⁵⁶; true when it carried out of the top word.</summary>
    private static bool AddWords(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        ulong carry = 0;
        for (var i = 0; i < Words; i++)
        {
            var t = (ulong)a[i] + b[i] + carry;
            result[i] = (uint)t;
            carry = t >> 32;
        }
        return carry != 0;
    }

    /// <summary>result = a − b modulo 2²⁵⁶; true when it borrowed (a was below b).</summary>
    private static bool SubtractWords(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        long borrow = 0;
        for (var i = 0; i < Words; i++)
        {
            var t = (long)a[i] - b[i] - borrow;
            result[i] = (uint)t;
            borrow = t < 0 ? 1 : 0;
        }
        return borrow != 0;
    }
}
