using System.Numerics;
using Rally.Grains.Privacy;
using Rally.Grains.Privacy.Noise;
using Rally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rally.Tests.Privacy;

/// <summary>
/// The exact samplers against the distributions they state, from many seeded draws: mean, variance against the exact
/// variance, and a chi-square test of the frequencies against the probability mass function.
/// </summary>
public sealed class DiscreteSamplerTests(ITestOutputHelper output)
{
    private const int Samples = 40_000;

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(0.0)]
    public void Bernoulli_exp_is_true_with_probability_exp_minus_gamma(double gamma)
    {
        var sampler = new DiscreteSampler(new SeededRandomBits(7));
        var exact = Fraction.From((decimal)gamma);
        var hits = Enumerable.Range(0, Samples).Count(_ => sampler.BernoulliExp(exact));
        var p = Math.Exp(-gamma);
        var standardError = Math.Sqrt(p * (1 - p) / Samples);
        output.WriteLine($"γ={gamma}: {hits / (double)Samples:F4} vs {p:F4}");
        Assert.InRange(hits / (double)Samples, p - 5 * standardError - 1e-12, p + 5 * standardError + 1e-12);
    }

    [Fact]
    public void Uniform_draws_cover_exactly_the_range_evenly()
    {
        var sampler = new DiscreteSampler(new SeededRandomBits(11));
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[(int)sampler.Uniform(7)]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        var huge = BigInteger.Pow(10, 40) + 3;
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.InRange(sampler.Uniform(huge), BigInteger.Zero, huge - 1));
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(1, 3)]
    public void Discrete_Laplace_matches_its_stated_distribution(long numerator, long denominator)
    {
        var scale = new Fraction(numerator, denominator);
        var sampler = new DiscreteSampler(new SeededRandomBits((int)(numerator * 31 + denominator)));
        var draws = Enumerable.Range(0, Samples).Select(_ => (long)sampler.Laplace(scale)).ToArray();

        var b = (double)numerator / denominator;
        var q = Math.Exp(-1 / b);
        var variance = 2 * q / ((1 - q) * (1 - q));
        Assert.Equal(Math.Sqrt(variance), ReleaseMechanism.StandardDeviation(b), 9);
        double Pmf(long z) => (1 - q) / (1 + q) * Math.Pow(q, Math.Abs(z));
        CheckMoments(draws, variance, kurtosis: 6 + 1 / variance);
        CheckFrequencies(draws, Pmf, $"discrete Laplace of scale {numerator}/{denominator}");
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(30, 1)]
    public void Discrete_Gaussian_matches_its_stated_distribution(long numerator, long denominator)
    {
        var sigmaSquared = new Fraction(numerator, denominator);
        var sampler = new DiscreteSampler(new SeededRandomBits((int)numerator));
        var draws = Enumerable.Range(0, Samples).Select(_ => (long)sampler.Gaussian(sigmaSquared)).ToArray();

        var s2 = (double)numerator / denominator;
        var support = Enumerable.Range(-200, 401).ToArray();
        var normalizer = support.Sum(z => Math.Exp(-z * (double)z / (2 * s2)));
        double Pmf(long z) => Math.Exp(-z * (double)z / (2 * s2)) / normalizer;
        var variance = support.Sum(z => z * (double)z * Pmf(z));
        CheckMoments(draws, variance, kurtosis: 3);
        CheckFrequencies(draws, Pmf, $"discrete Gaussian of σ² {numerator}/{denominator}");
    }

    [Fact]
    public void The_cryptographic_source_draws_noise_of_the_stated_scale()
    {
        var sampler = new DiscreteSampler(new CryptoRandomBits());
        var draws = Enumerable.Range(0, 20_000).Select(_ => (long)sampler.Laplace(new Fraction(2, 1))).ToArray();
        var q = Math.Exp(-0.5);
        // Not seeded: a wide margin (8 standard errors), so it fails only on a broken source.
        var variance = 2 * q / ((1 - q) * (1 - q));
        var mean = draws.Average();
        var sampleVariance = draws.Sum(x => (x - mean) * (x - mean)) / (draws.Length - 1);
        Assert.InRange(mean, -8 * Math.Sqrt(variance / draws.Length), 8 * Math.Sqrt(variance / draws.Length));
        Assert.InRange(sampleVariance, variance * 0.85, variance * 1.15);
    }

    [Fact]
    public void Fractions_hold_decimals_exactly()
    {
        Assert.Equal(new Fraction(1, 10), Fraction.From(0.1m));
        Assert.Equal(new Fraction(3, 1), Fraction.From(3.000m));
        Assert.Equal(new Fraction(100, 4), Fraction.From(100m) / Fraction.From(4m));
        Assert.Equal(new Fraction(250, 1), Fraction.From(100m) / Fraction.From(0.4m));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fraction.From(-1m));
    }

    /// <summary>Mean within 5 standard errors of 0; sample variance within 5 standard errors of <paramref name="variance"/>.</summary>
    private void CheckMoments(long[] draws, double variance, double kurtosis)
    {
        var mean = draws.Average();
        var sampleVariance = draws.Sum(x => (x - mean) * (x - mean)) / (draws.Length - 1);
        var meanError = Math.Sqrt(variance / draws.Length);
        // The variance of a sample variance is σ⁴(κ − 1)/n for a distribution of kurtosis κ.
        var varianceError = variance * Math.Sqrt((kurtosis - 1) / draws.Length);
        output.WriteLine($"mean {mean:F4} (±{meanError:F4}), variance {sampleVariance:F4} vs {variance:F4} (±{varianceError:F4})");
        Assert.InRange(mean, -5 * meanError, 5 * meanError);
        Assert.InRange(sampleVariance, variance - 5 * varianceError, variance + 5 * varianceError);
    }

    /// <summary>χ² of the frequencies against the pmf: one bin per value with an expected count of at least 20, the tails pooled.</summary>
    private void CheckFrequencies(long[] draws, Func<long, double> pmf, string what)
    {
        var limit = 0L;
        while (pmf(limit + 1) * draws.Length >= 20)
        {
            limit++;
        }
        var observed = draws.GroupBy(x => Math.Clamp(x, -limit - 1, limit + 1)).ToDictionary(g => g.Key, g => g.Count());
        var chiSquare = 0.0;
        for (var z = -limit - 1; z <= limit + 1; z++)
        {
            var probability = Math.Abs(z) <= limit ? pmf(z) : TailBeyond(limit, pmf);
            var expected = probability * draws.Length;
            var seen = observed.GetValueOrDefault(z);
            chiSquare += (seen - expected) * (seen - expected) / expected;
        }
        var freedom = 2 * limit + 2;
        // The χ² quantile at p = 0.001 (z = 3.0902) by Wilson and Hilferty's approximation; a seeded run passes or fails
        // the same way every time.
        var critical = freedom * Math.Pow(1 - 2.0 / (9 * freedom) + 3.0902 * Math.Sqrt(2.0 / (9 * freedom)), 3);
        output.WriteLine($"{what}: χ² = {chiSquare:F2} over {freedom} degrees of freedom (critical at p = 0.001: {critical:F2})");
        Assert.True(chiSquare < critical, $"{what}: χ² = {chiSquare:F2} ≥ {critical:F2}");
    }

    /// <summary>P[Z &gt; limit], for a symmetric pmf.</summary>
    private static double TailBeyond(long limit, Func<long, double> pmf) =>
        (1 - Enumerable.Range((int)-limit, (int)(2 * limit + 1)).Sum(z => pmf(z))) / 2;
}
