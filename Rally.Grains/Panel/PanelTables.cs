using Rally.Grains.Participants.Demographics;

namespace Rally.Grains.Panel;

/// <summary>
/// The published figures of one population, from its counts of answer tuples: a table per single-answer question (each
/// answer and "not answered"), a yes/no table per race code with one "not answered", the total, and optionally two
/// questions cross-tabulated. Every count below k is suppressed, then more (<see cref="ComplementarySuppression"/>)
/// until no suppressed cell follows from everything published, in two steps: first the one-way tables and the total,
/// on their own; then the cross-tabulation, suppressing only its own cells, and all of those in the row or column of
/// a suppressed margin. So the one-way tables read the same whichever cross-tabulation is asked for, and no two
/// answers with different cross-tabulations reveal together what neither does alone: a cross-tabulation whose
/// suppressed margins' rows and columns are suppressed whole says nothing about those margins.
/// </summary>
internal static class PanelTables
{
    /// <summary>The zip-code answer that gathers every 3-digit prefix that fewer than k people gave.</summary>
    public const string OtherZipPrefixes = "other";

    public static PanelRepresentation Build(
        IReadOnlyDictionary<string, int> counts, int k, (PanelQuestion First, PanelQuestion Second)? by, string? studyId)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var tuples = counts.Where(c => c.Value != 0).Select(c => (Answers: AnswerTuple.Parse(c.Key), Count: (long)c.Value)).ToArray();
        // Prefixes are listed by name only when at least k gave them; the others are counted together.
        var listed = tuples.Where(t => t.Answers.ZipPrefix is not null)
            .GroupBy(t => t.Answers.ZipPrefix!, StringComparer.Ordinal)
            .Where(g => g.Sum(t => t.Count) >= k)
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var answers = Enum.GetValues<PanelQuestion>().ToDictionary(q => q, q => q switch
        {
            PanelQuestion.AgeRange => AnswerNames.All<AgeRange>(),
            PanelQuestion.Gender => AnswerNames.All<Gender>(),
            PanelQuestion.HispanicLatinxSpanishOrigin => ["true", "false"],
            PanelQuestion.SchoolLevel => AnswerNames.All<SchoolLevel>(),
            PanelQuestion.HouseholdIncomeRange => AnswerNames.All<IncomeRange>(),
            _ => (IReadOnlyList<string>)[.. listed, OtherZipPrefixes],
        });
        var position = answers.ToDictionary(a => a.Key, a => a.Value.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal));
        // Where a tuple falls in a question's table: its answer's position, or the last one ("not answered").
        int Position(AnswerTuple t, PanelQuestion q) => t.Answer(q) switch
        {
            null => answers[q].Count,
            var a when position[q].TryGetValue(a, out var i) => i,
            _ when q == PanelQuestion.ZipCode => position[q][OtherZipPrefixes],
            var a => throw new InvalidOperationException($"'{a}' is no answer to {q}."),
        };

        var system = new LinearSystem();
        var total = system.Add(tuples.Sum(t => t.Count));
        var oneWay = new Dictionary<PanelQuestion, int[]>();
        foreach (var (question, names) in answers)
        {
            var sums = new long[names.Count + 1];
            foreach (var (tuple, count) in tuples)
            {
                sums[Position(tuple, question)] += count;
            }
            oneWay[question] = [.. sums.Select(system.Add)];
            system.SumsTo(oneWay[question], total);
        }
        var raceNames = AnswerNames.All<Race>();
        var raceNotAnswered = system.Add(tuples.Where(t => t.Answers.Races is null).Sum(t => t.Count));
        var races = raceNames.Select(name =>
        {
            var yes = system.Add(tuples.Where(t => t.Answers.Races?.Contains(name) == true).Sum(t => t.Count));
            var no = system.Add(tuples.Where(t => t.Answers.Races is { } r && !r.Contains(name)).Sum(t => t.Count));
            system.SumsTo([yes, no, raceNotAnswered], total);
            return (Yes: yes, No: no);
        }).ToArray();

        var suppressed = system.Values.Select(v => v < k).ToArray();
        ComplementarySuppression.Complete(system, suppressed, [.. suppressed.Select(_ => true)]);

        PanelCrossTab? crossTab = null;
        if (by is var (first, second))
        {
            var oneWayCells = system.Values.Count;
            var sums = new long[answers[first].Count + 1, answers[second].Count + 1];
            foreach (var (tuple, count) in tuples)
            {
                sums[Position(tuple, first), Position(tuple, second)] += count;
            }
            var rows = oneWay[first];
            var columns = oneWay[second];
            var cells = new int[rows.Length, columns.Length];
            for (var r = 0; r < rows.Length; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    cells[r, c] = system.Add(sums[r, c]);
                }
            }
            for (var r = 0; r < rows.Length; r++)
            {
                system.SumsTo(Enumerable.Range(0, columns.Length).Select(c => cells[r, c]), rows[r]);
            }
            for (var c = 0; c < columns.Length; c++)
            {
                system.SumsTo(Enumerable.Range(0, rows.Length).Select(r => cells[r, c]), columns[c]);
            }
            var oneWaySuppressed = suppressed;
            suppressed = [.. system.Values.Select((v, cell) => cell < oneWayCells ? oneWaySuppressed[cell] : v < k)];
            for (var r = 0; r < rows.Length; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    suppressed[cells[r, c]] |= suppressed[rows[r]] || suppressed[columns[c]];
                }
            }
            ComplementarySuppression.Complete(system, suppressed, [.. system.Values.Select((_, cell) => cell >= oneWayCells)]);
            crossTab = new PanelCrossTab(first, second, [.. Enumerable.Range(0, rows.Length).SelectMany(r => Enumerable.Range(0, columns.Length).Select(c =>
                new PanelCrossCell(Name(first, r), Name(second, c), Cell(cells[r, c]))))]);
        }

        string? Name(PanelQuestion question, int i) => i < answers[question].Count ? answers[question][i] : null;
        PanelCell Cell(int cell) => suppressed[cell] ? PanelCell.Hidden : new PanelCell(system.Values[cell], false);

        return new PanelRepresentation(
            studyId,
            k,
            Cell(total),
            [.. answers.Select(a => new PanelQuestionTable(a.Key,
                [.. a.Value.Select((name, i) => new PanelAnswer(name, Cell(oneWay[a.Key][i])))], Cell(oneWay[a.Key][^1])))],
            new PanelRaces([.. raceNames.Select((name, i) => new PanelRaceTable(AnswerNames.Parse<Race>(name)!.Value, Cell(races[i].Yes), Cell(races[i].No)))],
                Cell(raceNotAnswered)),
            crossTab);
    }
}
