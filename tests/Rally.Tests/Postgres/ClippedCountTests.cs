using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rally.Grains.Ingestion;
using Rally.Silo.EventStore;
using Rally.Silo.Schema;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>
/// The counts a release adds noise to, from both stores: only the domain's cells, and each participant's events clipped
/// to its earliest C, so that one participant, however much it sent, moves each figure by at most C.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClippedCountTests(PostgresServer postgres)
{
    private const int Cap = 5;

    private static readonly DateOnly Day0 = new(2026, 3, 1);

    private static readonly EventDomain Domain = new(["a", "b"], Day0, Day0.AddDays(2));

    public static TheoryData<string> Stores => ["postgres", "memory"];

    private async Task<IStudyEventStore> CreateAsync(string kind)
    {
        if (kind == "memory")
        {
            return new MemoryStudyEventStore();
        }
        var database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);
        return new PostgresStudyEventStore(NpgsqlDataSource.Create(database));
    }

    private static DateTimeOffset At(int day, int minute) => new DateTimeOffset(Day0.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(day).AddMinutes(minute);

    private static EventBatch Batch(string studyId, string participant, params (string Type, DateTimeOffset At)[] events) =>
        new(studyId, participant, DateTimeOffset.UtcNow, [.. events.Select(e => new StudyEvent(Guid.NewGuid(), e.Type, e.At, false, "p..x.y.z"))]);

    /// <summary>Two light participants, the same in both studies; the heavy one is in the first study only.</summary>
    private static async Task FillAsync(IStudyEventStore store, string studyId, bool withHeavy)
    {
        await store.AppendAsync([
            Batch(studyId, "light-1", ("a", At(0, 1)), ("b", At(1, 1)), ("a", At(2, 1))),
            Batch(studyId, "light-2", ("b", At(2, 2)), ("b", At(2, 3))),
        ]);
        if (withHeavy)
        {
            // Outside the domain first (an undeclared type, the day before, the day after), then 40 events inside.
            var heavy = new List<(string, DateTimeOffset)> { ("z", At(0, 0)), ("a", At(-1, 0)), ("a", At(3, 0)) };
            heavy.AddRange(Enumerable.Range(0, 40).Select(i => (i % 3 == 0 ? "b" : "a", At(i / 20, 10 + i))));
            await store.AppendAsync([Batch(studyId, "heavy", [.. heavy])]);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task One_participant_moves_each_figure_by_at_most_its_cap(string kind)
    {
        var store = await CreateAsync(kind);
        await FillAsync(store, "study-with", withHeavy: true);
        await FillAsync(store, "study-without", withHeavy: false);

        var with = await store.CountClippedAsync("study-with", Domain, Cap);
        var without = await store.CountClippedAsync("study-without", Domain, Cap);

        // The heavy participant counts with its earliest 5 in the domain (day 0, minutes 10 to 14): b a a b a.
        Assert.Equal(new Dictionary<string, long> { ["a"] = 2 + 3, ["b"] = 3 + 2 }, with.EventsByType);
        Assert.Equal(new Dictionary<DateOnly, long> { [Day0] = 1 + 5, [Day0.AddDays(1)] = 1, [Day0.AddDays(2)] = 3 }, with.EventsByDay);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 2, ["b"] = 3 }, without.EventsByType);

        Assert.Equal(Cap, L1(with.EventsByType, without.EventsByType));
        Assert.Equal(Cap, L1(with.EventsByDay, without.EventsByDay));
        // Unclipped, the same participant would have moved them by 40.
        var unclipped = await store.CountClippedAsync("study-with", Domain, 1000);
        Assert.Equal(40, L1(unclipped.EventsByType, without.EventsByType));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_study_without_events_counts_nothing(string kind)
    {
        var store = await CreateAsync(kind);
        var counts = await store.CountClippedAsync("study-empty", Domain, Cap);
        Assert.Empty(counts.EventsByType);
        Assert.Empty(counts.EventsByDay);
    }

    private static long L1<TKey>(IReadOnlyDictionary<TKey, long> a, IReadOnlyDictionary<TKey, long> b)
        where TKey : notnull =>
        a.Keys.Union(b.Keys).Sum(k => Math.Abs(a.GetValueOrDefault(k) - b.GetValueOrDefault(k)));
}
