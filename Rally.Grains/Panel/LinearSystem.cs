namespace Rally.Grains.Panel;

/// <summary>
/// Everything published for one population as one linear system: each cell (a count, a margin, "not answered", the
/// total) is a variable, and each constraint says that a sum of cells is zero (a table's cells minus its total, a
/// cross-tabulation's row minus its margin). Whoever reads the published cells knows these constraints too.
/// </summary>
internal sealed partial class LinearSystem
{
    private readonly List<long> _values = [];
    private readonly List<(int Cell, int Coefficient)[]> _constraints = [];

    public IReadOnlyList<long> Values => _values;

    public IReadOnlyList<(int Cell, int Coefficient)[]> Constraints => _constraints;

    public int Add(long value)
    {
        _values.Add(value);
        return _values.Count - 1;
    }

    /// <summary>Σ <paramref name="parts"/> = <paramref name="whole"/>.</summary>
    public void SumsTo(IEnumerable<int> parts, int whole) =>
        _constraints.Add([.. parts.Select(p => (p, 1)), (whole, -1)]);

    /// <summary>
    /// Which unknown (suppressed) cells the constraints fix, given the values of all the others (which only move the
    /// right-hand side, so they do not change what is determined). An unknown is determined exactly when no solution
    /// of the homogeneous system moves it. The unknowns fall apart into independent parts (linked only through other
    /// unknowns); each is solved exactly over the rationals by Gauss-Jordan elimination (<see cref="Eliminate"/>),
    /// or, when the part is a graph (each unknown in at most two constraints, with ±1 signs that orient it, as a
    /// two-way table with its margins is), by the equivalent and faster cycle test (<see cref="IsGraph"/>, <see cref="Bridges"/>).
    /// </summary>
    public bool[] Determined(IReadOnlyList<bool> unknown)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        var rows = new List<(int Constraint, Dictionary<int, int> Terms)>();
        for (var c = 0; c < _constraints.Count; c++)
        {
            var terms = new Dictionary<int, int>();
            foreach (var (cell, coefficient) in _constraints[c])
            {
                if (unknown[cell])
                {
                    terms[cell] = terms.GetValueOrDefault(cell) + coefficient;
                }
            }
            foreach (var zero in terms.Where(t => t.Value == 0).Select(t => t.Key).ToArray())
            {
                terms.Remove(zero);
            }
            if (terms.Count > 0)
            {
                rows.Add((c, terms));
            }
        }

        var determined = new bool[_values.Count];
        foreach (var part in Parts(rows))
        {
            var cells = part.SelectMany(r => rows[r].Terms.Keys).Distinct().Order().ToArray();
            var terms = part.Select(r => rows[r].Terms).ToArray();
            var fixedCells = IsGraph(terms, cells) ? Bridges(terms, cells) : Eliminate(terms, cells);
            foreach (var cell in fixedCells)
            {
                determined[cell] = true;
            }
        }
        return determined;
    }

    /// <summary>The rows grouped into parts that share no unknown (union-find over the rows of each unknown).</summary>
    private static IEnumerable<int[]> Parts(List<(int Constraint, Dictionary<int, int> Terms)> rows)
    {
        var parent = Enumerable.Range(0, rows.Count).ToArray();
        int Find(int r) => parent[r] == r ? r : parent[r] = Find(parent[r]);
        var firstRowOf = new Dictionary<int, int>();
        for (var r = 0; r < rows.Count; r++)
        {
            foreach (var cell in rows[r].Terms.Keys)
            {
                if (firstRowOf.TryGetValue(cell, out var other))
                {
                    parent[Find(r)] = Find(other);
                }
                else
                {
                    firstRowOf[cell] = r;
                }
            }
        }
        return Enumerable.Range(0, rows.Count).GroupBy(Find).Select(g => g.ToArray());
    }
}
