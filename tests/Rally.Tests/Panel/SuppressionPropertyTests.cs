using System.Diagnostics;
using System.Text.Json;
using CsCheck;
using Rally.Grains.Panel;
using Rally.Grains.Participants;
using Rally.Grains.Participants.Demographics;
using Xunit.Abstractions;

namespace Rally.Tests.Panel;

/// <summary>
/// P9 over random panels: whatever the answers, k and cross-tabulations, every count the panel publishes is true and at
/// least k, and no suppressed cell can be worked out exactly from everything published for the population — the
/// one-way tables, "not answered", the total and two different cross-tabulations asked for one after the other — by
/// linear algebra over the rationals. The system is built here from the published tables' meaning, and solved by the
/// test's own exact solver (<see cref="ExactSystem"/>), not the server's.
/// </summary>
public sealed class SuppressionPropertyTests(ITestOutputHelper output)
{
    private static readonly string[] Prefixes = ["100", "101", "606", "945", "972"];

    /// <summary>Answers skewed towards the first values, so that small and empty cells are common; 15% not answered.</summary>
    private static Gen<T?> Skewed<T>(T[] values)
        where T : struct =>
        Gen.Int[0, 99].Select(x => x < 15 ? null : (T?)values[(int)(values.Length * Math.Pow((x - 15) / 85.0, 2))]);

    private static readonly Gen<Race[]?> Races =
        Gen.Int[0, 19].Select(Gen.Int[0, 15], (kind, mask) => kind switch
        {
            < 3 => null,
            3 => [],
            _ => Enumerable.Range(0, 4).Where(i => (mask & (1 << i)) != 0).Select(i => (Race)(i * 3)).ToArray(),
        });

    private static readonly Gen<DemographicProfile?> Profile =
        Gen.Select(Skewed(Enum.GetValues<AgeRange>()), Skewed(Enum.GetValues<Gender>()), Skewed([true, false]), Races,
                Skewed(Enum.GetValues<SchoolLevel>()), Skewed(Enum.GetValues<IncomeRange>()), Skewed(Enumerable.Range(0, Prefixes.Length).ToArray()))
            .Select(Gen.Int[0, 9], (p, none) => none == 0 ? null : new DemographicProfile(
                p.Item1, p.Item2, p.Item3, p.Item4, p.Item5, p.Item6, p.Item7 is { } z ? Prefixes[z] + "12" : null));

    private static readonly Gen<(PanelQuestion, PanelQuestion)> Pair =
        Gen.Int[0, 5].Select(Gen.Int[1, 5], (a, d) => ((PanelQuestion)a, (PanelQuestion)((a + d) % 6)));

    [Fact]
    public void Every_published_count_is_true_and_at_least_k_and_no_suppressed_cell_follows_from_the_rest()
    {
        var suppressed = 0L;
        var published = 0L;
        Gen.Select(Profile.Array[0, 150], Gen.Int[2, 12], Pair, Pair).Sample((profiles, k, first, second) =>
        {
            var (s, p) = Check(profiles, k, first, second);
            Interlocked.Add(ref suppressed, s);
            Interlocked.Add(ref published, p);
        }, iter: 100);
        output.WriteLine($"Checked {suppressed} suppressed and {published} published cells.");
    }

    [Fact]
    public void The_checker_finds_a_cell_that_subtraction_reveals()
    {
        // total = a + b + c with the total and a published: b and c stay open; publish c too and b is revealed.
        var system = new ExactSystem();
        var (total, a, b, c) = (system.Variable("total"), system.Variable("a"), system.Variable("b"), system.Variable("c"));
        system.Sum([a, b, c], total);
        Assert.Equal([b, c], system.Free(new HashSet<int> { b, c }).Order());
        Assert.Empty(system.Free(new HashSet<int> { b }));
        // A 2×2 block inside a table with known margins: the four cells move together around the cycle.
        var grid = new ExactSystem();
        var cells = Enumerable.Range(0, 4).Select(i => grid.Variable($"x{i}")).ToArray();
        var rows = new[] { grid.Variable("r0"), grid.Variable("r1") };
        var columns = new[] { grid.Variable("c0"), grid.Variable("c1") };
        grid.Sum([cells[0], cells[1]], rows[0]);
        grid.Sum([cells[2], cells[3]], rows[1]);
        grid.Sum([cells[0], cells[2]], columns[0]);
        grid.Sum([cells[1], cells[3]], columns[1]);
        Assert.Equal(cells, grid.Free(cells.ToHashSet()).Order());
        Assert.Empty(grid.Free(new HashSet<int> { cells[0], cells[1], cells[2] }));
    }

    [Fact]
    public void A_large_panel_cross_tabulated_by_zip_prefix_is_suppressed_quickly()
    {
        var random = new Random(15);
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 20_000; i++)
        {
            var profile = new DemographicProfile((AgeRange)random.Next(6), (Gender)random.Next(4), random.Next(2) == 0, [(Race)random.Next(15)],
                (SchoolLevel)random.Next(7), (IncomeRange)random.Next(6), $"{random.Next(400):D3}{random.Next(100):D2}");
            var key = AnswerTuple.Of(profile).Key;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        var clock = Stopwatch.StartNew();
        var figures = PanelTables.Build(counts, 10, (PanelQuestion.ZipCode, PanelQuestion.HouseholdIncomeRange), null);
        output.WriteLine($"{figures.CrossTab!.Cells.Length} cells cross-tabulated, {figures.CrossTab.Cells.Count(c => c.Cell.Suppressed)} suppressed, in {clock.Elapsed}.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.All(figures.CrossTab.Cells, c => Assert.True(c.Cell.Suppressed || c.Cell.Count >= 10));
    }

    /// <summary>Checks one panel; the numbers of suppressed and published cells seen.</summary>
    private static (int Suppressed, int Published) Check(DemographicProfile?[] profiles, int k, (PanelQuestion, PanelQuestion) first, (PanelQuestion, PanelQuestion) second)
    {
        var counts = profiles.GroupBy(p => AnswerTuple.Of(p).Key).ToDictionary(g => g.Key, g => g.Count());
        var plain = PanelTables.Build(counts, k, null, null);
        var withFirst = PanelTables.Build(counts, k, first, null);
        var withSecond = PanelTables.Build(counts, k, second, null);
        // The one-way tables read the same whatever is cross-tabulated.
        Assert.Equal(OneWay(plain), OneWay(withFirst));
        Assert.Equal(OneWay(plain), OneWay(withSecond));
        Assert.Null(plain.CrossTab);

        var truth = new Truth(profiles, k);
        var system = new ExactSystem();
        var known = new Dictionary<int, long>();
        var suppressed = new HashSet<int>();
        int Cell(string name, PanelCell cell, long actual)
        {
            var variable = system.Variable(name);
            if (cell.Suppressed)
            {
                Assert.Null(cell.Count);
                suppressed.Add(variable);
            }
            else
            {
                Assert.True(cell.Count == actual, $"{name}: published {cell.Count}, truly {actual}");
                Assert.True(cell.Count >= k, $"{name}: published {cell.Count} < k = {k}");
                known[variable] = actual;
            }
            return variable;
        }

        var total = Cell("total", plain.Total, profiles.Length);
        var oneWay = new Dictionary<(PanelQuestion, string?), int>();
        Assert.Equal(Enum.GetValues<PanelQuestion>(), plain.Questions.Select(q => q.Question));
        foreach (var table in plain.Questions)
        {
            Assert.Equal(truth.Answers(table.Question), table.Answers.Select(a => a.Answer));
            foreach (var answer in table.Answers)
            {
                oneWay[(table.Question, answer.Answer)] = Cell($"{table.Question}={answer.Answer}", answer.Cell, truth.Count(table.Question, answer.Answer));
            }
            oneWay[(table.Question, null)] = Cell($"{table.Question} not answered", table.NotAnswered, truth.Count(table.Question, null));
            system.Sum(table.Answers.Select(a => oneWay[(table.Question, a.Answer)]).Append(oneWay[(table.Question, null)]), total);
        }
        Assert.Equal(Enum.GetValues<Race>(), plain.Races.Codes.Select(r => r.Race));
        var racesNotAnswered = Cell("races not answered", plain.Races.NotAnswered, profiles.Count(p => p?.Races is null));
        foreach (var code in plain.Races.Codes)
        {
            var yes = Cell($"{code.Race} yes", code.Yes, profiles.Count(p => p?.Races?.Contains(code.Race) == true));
            var no = Cell($"{code.Race} no", code.No, profiles.Count(p => p?.Races is { } r && !r.Contains(code.Race)));
            system.Sum([yes, no, racesNotAnswered], total);
        }
        foreach (var cross in new[] { withFirst.CrossTab!, withSecond.CrossTab! })
        {
            var rows = truth.Answers(cross.First).Append(null).ToArray();
            var columns = truth.Answers(cross.Second).Append(null).ToArray();
            Assert.Equal(rows.SelectMany(r => columns.Select(c => (r, c))), cross.Cells.Select(c => (c.First, c.Second)));
            var cells = cross.Cells.ToDictionary(
                c => (c.First ?? "", c.Second ?? ""),
                c => Cell($"{cross.First}={c.First} × {cross.Second}={c.Second}", c.Cell, truth.Count(cross.First, c.First, cross.Second, c.Second)));
            foreach (var r in rows)
            {
                system.Sum(columns.Select(c => cells[(r ?? "", c ?? "")]), oneWay[(cross.First, r)]);
            }
            foreach (var c in columns)
            {
                system.Sum(rows.Select(r => cells[(r ?? "", c ?? "")]), oneWay[(cross.Second, c)]);
            }
        }

        var free = system.Free(suppressed);
        var determined = suppressed.Where(v => !free.Contains(v)).Select(system.Name).ToArray();
        Assert.True(determined.Length == 0,
            $"k = {k}, {profiles.Length} participants: determined {string.Join(", ", determined)}");
        return (suppressed.Count, known.Count);
    }

    private static string OneWay(PanelRepresentation figures) =>
        JsonSerializer.Serialize(new { figures.Total, figures.Questions, figures.Races });

    /// <summary>What the panel truly is, counted here from the profiles (answers named as the profile's JSON names them).</summary>
    private sealed class Truth(DemographicProfile?[] profiles, int k)
    {
        private readonly string[] _listedPrefixes = [.. profiles.Where(p => p?.ZipCode is not null).GroupBy(p => p!.ZipCode![..3])
            .Where(g => g.Count() >= k).Select(g => g.Key).Order(StringComparer.Ordinal)];

        public string[] Answers(PanelQuestion question) => question switch
        {
            PanelQuestion.AgeRange => Names<AgeRange>(),
            PanelQuestion.Gender => Names<Gender>(),
            PanelQuestion.HispanicLatinxSpanishOrigin => ["true", "false"],
            PanelQuestion.SchoolLevel => Names<SchoolLevel>(),
            PanelQuestion.HouseholdIncomeRange => Names<IncomeRange>(),
            _ => [.. _listedPrefixes, "other"],
        };

        public long Count(PanelQuestion question, string? answer) => profiles.Count(p => Answer(p, question) == answer);

        public long Count(PanelQuestion first, string? a, PanelQuestion second, string? b) =>
            profiles.Count(p => Answer(p, first) == a && Answer(p, second) == b);

        private string? Answer(DemographicProfile? p, PanelQuestion question) => question switch
        {
            PanelQuestion.AgeRange => Name(p?.AgeRange),
            PanelQuestion.Gender => Name(p?.Gender),
            PanelQuestion.HispanicLatinxSpanishOrigin => p?.HispanicLatinxSpanishOrigin is { } h ? (h ? "true" : "false") : null,
            PanelQuestion.SchoolLevel => Name(p?.SchoolLevel),
            PanelQuestion.HouseholdIncomeRange => Name(p?.HouseholdIncomeRange),
            _ => p?.ZipCode is { } zip ? (_listedPrefixes.Contains(zip[..3]) ? zip[..3] : "other") : null,
        };

        private static string? Name<T>(T? value)
            where T : struct, Enum => value is null ? null : JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value.Value));

        private static string[] Names<T>()
            where T : struct, Enum => [.. Enum.GetValues<T>().Select(v => Name<T>(v)!)];
    }
}
