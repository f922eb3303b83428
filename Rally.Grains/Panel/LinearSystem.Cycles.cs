namespace Rally.Grains.Panel;

internal sealed partial class LinearSystem
{
    /// <summary>
    /// True when the rows are, once some are multiplied by -1 (which keeps the solutions), the incidence matrix of a
    /// directed graph whose vertices are the rows plus a ground vertex (for unknowns in one row only): every unknown
    /// is in at most two rows, with coefficient ±1, and signs can be chosen for the rows so that each unknown in two
    /// rows has opposite signs in them.
    /// </summary>
    private static bool IsGraph(Dictionary<int, int>[] terms, int[] cells)
    {
        var rowsOf = cells.ToDictionary(c => c, _ => new List<int>(2));
        for (var r = 0; r < terms.Length; r++)
        {
            foreach (var (cell, coefficient) in terms[r])
            {
                if (Math.Abs(coefficient) != 1 || rowsOf[cell].Count == 2)
                {
                    return false;
                }
                rowsOf[cell].Add(r);
            }
        }
        var signs = new int[terms.Length];
        for (var start = 0; start < terms.Length; start++)
        {
            if (signs[start] != 0)
            {
                continue;
            }
            signs[start] = 1;
            var queue = new Queue<int>([start]);
            while (queue.TryDequeue(out var r))
            {
                foreach (var (cell, coefficient) in terms[r])
                {
                    if (rowsOf[cell] is not [var a, var b])
                    {
                        continue;
                    }
                    var other = a == r ? b : a;
                    // signs[r]·coefficient and signs[other]·terms[other][cell] must differ.
                    var wanted = -signs[r] * coefficient * terms[other][cell];
                    if (signs[other] == 0)
                    {
                        signs[other] = wanted;
                        queue.Enqueue(other);
                    }
                    else if (signs[other] != wanted)
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /// <summary>
    /// For a graph (<see cref="IsGraph"/>): the solutions of the homogeneous system are its cycles (through
    /// the ground vertex too), so an unknown is determined exactly when its edge lies on no cycle: a bridge.
    /// Tarjan's bridge search, iterative, on the multigraph (two unknowns between the same rows form a cycle).
    /// </summary>
    private static List<int> Bridges(Dictionary<int, int>[] terms, int[] cells)
    {
        var ground = terms.Length;
        var ends = cells.ToDictionary(c => c, _ => new List<int>(2));
        for (var r = 0; r < terms.Length; r++)
        {
            foreach (var cell in terms[r].Keys)
            {
                ends[cell].Add(r);
            }
        }
        var adjacent = Enumerable.Range(0, terms.Length + 1).Select(_ => new List<(int To, int Edge)>()).ToArray();
        for (var e = 0; e < cells.Length; e++)
        {
            var (u, v) = ends[cells[e]] is [var a, var b] ? (a, b) : (ends[cells[e]][0], ground);
            adjacent[u].Add((v, e));
            adjacent[v].Add((u, e));
        }

        var order = new int[adjacent.Length];
        var low = new int[adjacent.Length];
        Array.Fill(order, -1);
        var bridges = new List<int>();
        var counter = 0;
        for (var root = 0; root < adjacent.Length; root++)
        {
            if (order[root] >= 0)
            {
                continue;
            }
            // Each frame: vertex, the edge it was reached by, and the next neighbour to look at.
            var stack = new Stack<(int Vertex, int ByEdge, int Next)>();
            order[root] = low[root] = counter++;
            stack.Push((root, -1, 0));
            while (stack.Count > 0)
            {
                var (vertex, byEdge, next) = stack.Pop();
                if (next < adjacent[vertex].Count)
                {
                    stack.Push((vertex, byEdge, next + 1));
                    var (to, edge) = adjacent[vertex][next];
                    if (edge == byEdge)
                    {
                        continue;
                    }
                    if (order[to] < 0)
                    {
                        order[to] = low[to] = counter++;
                        stack.Push((to, edge, 0));
                    }
                    else
                    {
                        low[vertex] = Math.Min(low[vertex], order[to]);
                    }
                    continue;
                }
                if (stack.TryPeek(out var parent))
                {
                    low[parent.Vertex] = Math.Min(low[parent.Vertex], low[vertex]);
                    if (low[vertex] > order[parent.Vertex])
                    {
                        bridges.Add(cells[byEdge]);
                    }
                }
            }
        }
        return bridges;
    }
}
