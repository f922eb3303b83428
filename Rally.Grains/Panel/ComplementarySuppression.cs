namespace Rally.Grains.Panel;

/// <summary>
/// Complementary suppression: given the cells suppressed because they are small (primary suppression), suppresses
/// more until no suppressed cell is determined by the published ones (<see cref="LinearSystem.Determined"/>). Each
/// round, every cell that a constraint reveals on its own (the only unknown of a row or table) gets one complement, or,
/// when there is none, the first determined cell does: the smallest cell that may still be suppressed in a constraint
/// where it is the only unknown, else in any constraint it is in, else anywhere (ties: the later cell).
/// Each round suppresses at least one more cell, and suppressing every cell leaves nothing determined, so it ends.
/// Deterministic: the same figures always give the same cells.
/// </summary>
internal static class ComplementarySuppression
{
    /// <param name="suppressed">In: the cells suppressed already; out: with their complements.</param>
    /// <param name="mayAdd">The cells that may be suppressed as complements.</param>
    public static void Complete(LinearSystem system, bool[] suppressed, IReadOnlyList<bool> mayAdd)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(suppressed);
        ArgumentNullException.ThrowIfNull(mayAdd);
        var constraintsOf = Enumerable.Range(0, system.Values.Count).Select(_ => new List<int>()).ToArray();
        for (var c = 0; c < system.Constraints.Count; c++)
        {
            foreach (var (cell, _) in system.Constraints[c])
            {
                constraintsOf[cell].Add(c);
            }
        }

        while (true)
        {
            var determined = system.Determined(suppressed);
            var unknownsIn = system.Constraints.Select(c => c.Count(t => suppressed[t.Cell])).ToArray();
            var all = Enumerable.Range(0, determined.Length).Where(cell => determined[cell]).ToArray();
            if (all.Length == 0)
            {
                return;
            }
            // Cells a constraint reveals on its own come first: the others often follow from them, and are open once they are.
            var direct = all.Where(cell => constraintsOf[cell].Any(c => unknownsIn[c] == 1)).ToArray();
            var changed = new HashSet<int>();
            foreach (var cell in direct.Length > 0 ? direct : all[..1])
            {
                // A complement added this round may already leave this cell open: the next round tells.
                if (constraintsOf[cell].Any(changed.Contains))
                {
                    continue;
                }
                var complement = Choose(system, suppressed, mayAdd, constraintsOf[cell]);
                if (complement < 0)
                {
                    throw new InvalidOperationException("A suppressed cell stays determined and no cell is left to suppress.");
                }
                suppressed[complement] = true;
                changed.UnionWith(constraintsOf[complement]);
            }
        }
    }

    private static int Choose(LinearSystem system, bool[] suppressed, IReadOnlyList<bool> mayAdd, List<int> constraints)
    {
        var alone = constraints.Where(c => system.Constraints[c].Count(t => suppressed[t.Cell]) == 1);
        var pick = Smallest(system, suppressed, mayAdd, alone.SelectMany(c => system.Constraints[c].Select(t => t.Cell)));
        if (pick < 0)
        {
            pick = Smallest(system, suppressed, mayAdd, constraints.SelectMany(c => system.Constraints[c].Select(t => t.Cell)));
        }
        return pick < 0 ? Smallest(system, suppressed, mayAdd, Enumerable.Range(0, system.Values.Count)) : pick;
    }

    private static int Smallest(LinearSystem system, bool[] suppressed, IReadOnlyList<bool> mayAdd, IEnumerable<int> cells)
    {
        var best = -1;
        foreach (var cell in cells)
        {
            if (suppressed[cell] || !mayAdd[cell])
            {
                continue;
            }
            // Ties go to the later cell: the total comes first, and is the last thing worth suppressing.
            if (best < 0 || system.Values[cell] < system.Values[best] || (system.Values[cell] == system.Values[best] && cell > best))
            {
                best = cell;
            }
        }
        return best;
    }
}
