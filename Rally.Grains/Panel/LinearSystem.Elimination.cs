namespace Rally.Grains.Panel;

internal sealed partial class LinearSystem
{
    /// <summary>
    /// Exact Gauss-Jordan elimination over the rationals of the rows' unknown columns. An unknown is determined exactly
    /// when its column is a pivot whose reduced row has no other non-zero entry: any free column in that row would
    /// let it take other values.
    /// </summary>
    private static IEnumerable<int> Eliminate(Dictionary<int, int>[] terms, int[] cells)
    {
        var column = cells.Select((cell, i) => (cell, i)).ToDictionary(p => p.cell, p => p.i);
        var rows = terms.Select(t =>
        {
            var row = new Rational[cells.Length];
            Array.Fill(row, Rational.Zero);
            foreach (var (cell, coefficient) in t)
            {
                row[column[cell]] = coefficient;
            }
            return row;
        }).ToList();

        var pivotRowOf = new int[cells.Length];
        Array.Fill(pivotRowOf, -1);
        var rank = 0;
        for (var c = 0; c < cells.Length && rank < rows.Count; c++)
        {
            var pivot = rows.FindIndex(rank, r => !r[c].IsZero);
            if (pivot < 0)
            {
                continue;
            }
            (rows[rank], rows[pivot]) = (rows[pivot], rows[rank]);
            var top = rows[rank];
            var lead = top[c];
            for (var j = c; j < cells.Length; j++)
            {
                if (!top[j].IsZero)
                {
                    top[j] /= lead;
                }
            }
            for (var r = 0; r < rows.Count; r++)
            {
                var factor = rows[r][c];
                if (r == rank || factor.IsZero)
                {
                    continue;
                }
                for (var j = c; j < cells.Length; j++)
                {
                    if (!top[j].IsZero)
                    {
                        rows[r][j] -= factor * top[j];
                    }
                }
            }
            pivotRowOf[c] = rank++;
        }

        for (var c = 0; c < cells.Length; c++)
        {
            if (pivotRowOf[c] >= 0)
            {
                var row = rows[pivotRowOf[c]];
                if (Enumerable.Range(0, cells.Length).All(j => j == c || row[j].IsZero))
                {
                    yield return cells[c];
                }
            }
        }
    }
}
