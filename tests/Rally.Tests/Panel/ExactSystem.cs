using System.Numerics;

namespace Rally.Tests.Panel;

/// <summary>
/// The test's own exact solver, written apart from the server's: a linear system over the rationals (BigInteger
/// fractions), some variables known. A variable is determined when every solution gives it the same value, i.e. no
/// vector of the null space of the constraints (restricted to the unknowns) moves it.
/// </summary>
internal sealed class ExactSystem
{
    private readonly List<string> _names = [];
    private readonly List<Dictionary<int, int>> _equations = [];

    public int Variable(string name)
    {
        _names.Add(name);
        return _names.Count - 1;
    }

    public string Name(int variable) => _names[variable];

    /// <summary>Σ parts − whole = 0.</summary>
    public void Sum(IEnumerable<int> parts, int whole)
    {
        var equation = new Dictionary<int, int>();
        foreach (var part in parts)
        {
            equation[part] = equation.GetValueOrDefault(part) + 1;
        }
        equation[whole] = equation.GetValueOrDefault(whole) - 1;
        _equations.Add(equation);
    }

    /// <summary>The unknowns some solution of the homogeneous system moves (a null-space basis vector is non-zero there).</summary>
    public HashSet<int> Free(ISet<int> unknowns)
    {
        var columns = unknowns.Order().ToArray();
        var index = columns.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var rows = _equations.Select(e =>
        {
            var row = Enumerable.Repeat(Fraction.Zero, columns.Length).ToArray();
            foreach (var (variable, coefficient) in e)
            {
                if (index.TryGetValue(variable, out var c))
                {
                    row[c] = new Fraction(coefficient, 1);
                }
            }
            return row;
        }).Where(r => r.Any(f => !f.IsZero)).ToList();

        // Reduced row echelon form.
        var pivots = new List<int>();
        var r0 = 0;
        for (var c = 0; c < columns.Length && r0 < rows.Count; c++)
        {
            var p = Enumerable.Range(r0, rows.Count - r0).FirstOrDefault(r => !rows[r][c].IsZero, -1);
            if (p < 0)
            {
                continue;
            }
            (rows[r0], rows[p]) = (rows[p], rows[r0]);
            var lead = rows[r0][c];
            rows[r0] = [.. rows[r0].Select(f => f / lead)];
            for (var r = 0; r < rows.Count; r++)
            {
                if (r != r0 && !rows[r][c].IsZero)
                {
                    var factor = rows[r][c];
                    rows[r] = [.. rows[r].Select((f, j) => f - factor * rows[r0][j])];
                }
            }
            pivots.Add(c);
            r0++;
        }

        // One null-space vector per free column: 1 there, −(its entry in each pivot row) at that row's pivot.
        var free = new HashSet<int>();
        var pivotSet = pivots.ToHashSet();
        foreach (var f in Enumerable.Range(0, columns.Length).Where(c => !pivotSet.Contains(c)))
        {
            free.Add(columns[f]);
            for (var r = 0; r < pivots.Count; r++)
            {
                if (!rows[r][f].IsZero)
                {
                    free.Add(columns[pivots[r]]);
                }
            }
        }
        return free;
    }

    private readonly record struct Fraction
    {
        public Fraction(BigInteger numerator, BigInteger denominator)
        {
            var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
            if (g.IsZero)
            {
                g = BigInteger.One;
            }
            if (denominator.Sign < 0)
            {
                g = -g;
            }
            Numerator = numerator / g;
            Denominator = denominator / g;
        }

        public static Fraction Zero => new(0, 1);

        public BigInteger Numerator { get; }

        public BigInteger Denominator { get; }

        public bool IsZero => Numerator.IsZero;

        public static Fraction operator -(Fraction a, Fraction b) => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

        public static Fraction operator *(Fraction a, Fraction b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

        public static Fraction operator /(Fraction a, Fraction b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
    }
}
