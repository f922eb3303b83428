using System.Numerics;

namespace Rally.Grains.Privacy.Noise;

/// <summary>
/// Exact samplers of the discrete Laplace and discrete Gaussian distributions, after Canonne, Kamath and Steinke,
/// "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020), Algorithms 1–3. Every step is exact rational
/// arithmetic on <see cref="BigInteger"/>s over uniformly random bits: no floating point, so no rounding to leak
/// through (the weakness of textbook floating-point Laplace noise). Not thread-safe only as far as its
/// <see cref="IRandomBits"/> is not.
/// </summary>
public sealed class DiscreteSampler(IRandomBits bits)
{
    /// <summary>A uniform integer in [0, <paramref name="n"/>), by rejection from just enough random bits.</summary>
    public BigInteger Uniform(BigInteger n)
    {
        if (n.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "The range must hold at least one integer.");
        }
        if (n.IsOne)
        {
            return BigInteger.Zero;
        }
        var length = (n - 1).GetBitLength();
        var buffer = new byte[(int)((length + 7) / 8)];
        var topMask = (byte)(0xFF >> (int)(buffer.Length * 8 - length));
        while (true)
        {
            bits.Fill(buffer);
            buffer[^1] &= topMask;
            var candidate = new BigInteger(buffer, isUnsigned: true, isBigEndian: false);
            if (candidate < n)
            {
                return candidate;
            }
        }
    }

    /// <summary>True with probability <paramref name="p"/> (at most 1).</summary>
    public bool Bernoulli(Fraction p)
    {
        if (p > Fraction.One)
        {
            throw new ArgumentOutOfRangeException(nameof(p), "A probability is at most 1.");
        }
        return Uniform(p.Denominator) < p.Numerator;
    }

    /// <summary>True with probability exp(−<paramref name="gamma"/>), for rational γ ≥ 0 (Algorithm 1).</summary>
    public bool BernoulliExp(Fraction gamma)
    {
        if (gamma <= Fraction.One)
        {
            // Count the successes of Bernoulli(γ/1), Bernoulli(γ/2), … up to the first failure: that count is even
            // with probability Σ (−γ)^k / k! = exp(−γ).
            var k = BigInteger.One;
            while (Bernoulli(gamma / k))
            {
                k++;
            }
            return !k.IsEven;
        }
        // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)).
        var whole = gamma.Floor();
        for (var i = BigInteger.Zero; i < whole; i++)
        {
            if (!BernoulliExp(Fraction.One))
            {
                return false;
            }
        }
        return BernoulliExp(Fraction.Distance(gamma, whole));
    }

    /// <summary>
    /// An integer Z with P[Z = z] ∝ exp(−|z| / <paramref name="scale"/>): the discrete Laplace distribution of scale
    /// t/s (Algorithm 2). Its variance is 2e^(−1/scale) / (1 − e^(−1/scale))².
    /// </summary>
    public BigInteger Laplace(Fraction scale)
    {
        if (scale.IsZero)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), "The scale must be positive.");
        }
        var t = scale.Numerator;
        var s = scale.Denominator;
        while (true)
        {
            // X = U + t·V is geometric with ratio exp(−1/t): U uniform below t, kept with probability exp(−U/t), and V
            // geometric with ratio exp(−1); ⌊X/s⌋ is then geometric with ratio exp(−s/t).
            var u = Uniform(t);
            if (!BernoulliExp(new Fraction(u, t)))
            {
                continue;
            }
            var v = BigInteger.Zero;
            while (BernoulliExp(Fraction.One))
            {
                v++;
            }
            var y = (u + t * v) / s;
            // A random sign; zero would come up under both signs, so one of them is refused.
            var negative = Bernoulli(new Fraction(1, 2));
            if (negative && y.IsZero)
            {
                continue;
            }
            return negative ? -y : y;
        }
    }

    /// <summary>
    /// An integer Z with P[Z = z] ∝ exp(−z² / 2σ²), σ² = <paramref name="sigmaSquared"/>: the discrete Gaussian
    /// (Algorithm 3), by rejection from a discrete Laplace of scale ⌊σ⌋ + 1.
    /// </summary>
    public BigInteger Gaussian(Fraction sigmaSquared)
    {
        if (sigmaSquared.IsZero)
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaSquared), "The variance must be positive.");
        }
        var t = IntegerSquareRoot(sigmaSquared.Floor()) + 1;
        var offset = sigmaSquared / t;
        var twoSigmaSquared = sigmaSquared * 2;
        while (true)
        {
            var y = Laplace(t);
            var distance = Fraction.Distance(BigInteger.Abs(y), offset);
            if (BernoulliExp(distance * distance / twoSigmaSquared))
            {
                return y;
            }
        }
    }

    /// <summary>⌊√n⌋ by Newton's method on integers (⌊√σ²⌋ = ⌊√⌊σ²⌋⌋).</summary>
    private static BigInteger IntegerSquareRoot(BigInteger n)
    {
        if (n < 2)
        {
            return n;
        }
        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            var next = (x + n / x) / 2;
            if (next >= x)
            {
                return x;
            }
            x = next;
        }
    }
}
