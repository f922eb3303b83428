using System.Numerics;

namespace Rally.Grains.Privacy.Noise;

/// <summary>An exact non-negative rational number, kept in lowest terms: the samplers never round.</summary>
public readonly record struct Fraction
{
    public Fraction(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign <= 0 || numerator.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "A fraction here is non-negative with a positive denominator.");
        }
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        Numerator = numerator / gcd;
        Denominator = denominator / gcd;
    }

    public BigInteger Numerator { get; }

    public BigInteger Denominator { get; }

    public static Fraction Zero { get; } = new(0, 1);

    public static Fraction One { get; } = new(1, 1);

    /// <summary>The exact value of a non-negative decimal (a decimal is an integer over a power of ten).</summary>
    public static Fraction From(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (bits[3] < 0 && !mantissa.IsZero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A fraction here is non-negative.");
        }
        return new Fraction(mantissa, BigInteger.Pow(10, scale));
    }

    public BigInteger Floor() => BigInteger.Divide(Numerator, Denominator);

    public bool IsZero => Numerator.IsZero;

    public static Fraction operator +(Fraction a, Fraction b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    /// <summary>|a − b|: the samplers only ever need distances.</summary>
    public static Fraction Distance(Fraction a, Fraction b) =>
        new(BigInteger.Abs(a.Numerator * b.Denominator - b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Fraction operator *(Fraction a, Fraction b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Fraction operator /(Fraction a, Fraction b) =>
        b.IsZero ? throw new DivideByZeroException() : new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static bool operator <(Fraction a, Fraction b) => a.Numerator * b.Denominator < b.Numerator * a.Denominator;

    public static bool operator >(Fraction a, Fraction b) => b < a;

    public static bool operator <=(Fraction a, Fraction b) => !(b < a);

    public static bool operator >=(Fraction a, Fraction b) => !(a < b);

    public static implicit operator Fraction(long value) => new(value, 1);

    public static implicit operator Fraction(BigInteger value) => new(value, 1);

    public double ToDouble() => (double)Numerator / (double)Denominator;

    public override string ToString() => $"{Numerator}/{Denominator}";
}
