using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>Orleans' ADO.NET reminder table, as Rally's silos configure it, on Rally's schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReminderProviderTests(PostgresServer server) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    private IReminderTable Table => _cluster!.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();

    /// <summary>Each test gets its own database, and a silo whose reminder service runs on it.</summary>
    public async Task InitializeAsync() =>
        _cluster = await TestClusters.StartOnPostgresAsync(await server.CreateDatabaseAsync(), $"rally-test-{Guid.NewGuid():N}");

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upserting_creates_then_replaces_a_reminder_and_moves_its_version_on()
    {
        var table = Table;
        var grain = NewGrainId();
        var start = Microseconds(DateTime.UtcNow);

        var created = await table.UpsertRow(Reminder(grain, "daily", start, TimeSpan.FromDays(1)));
        var replaced = await table.UpsertRow(Reminder(grain, "daily", start.AddHours(1), TimeSpan.FromHours(12)));
        var read = await table.ReadRow(grain, "daily");

        Assert.Equal(("0", "1"), (created, replaced));
        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal("1", read.ETag);
        Assert.Equal(start.AddHours(1), read.StartAt);
        Assert.Equal(TimeSpan.FromHours(12), read.Period);
    }

    [Fact]
    public async Task A_period_too_long_for_int_milliseconds_round_trips()
    {
        var table = Table;
        var grain = NewGrainId();

        await table.UpsertRow(Reminder(grain, "monthly", Microseconds(DateTime.UtcNow), TimeSpan.FromDays(30)));

        Assert.Equal(TimeSpan.FromDays(30), (await table.ReadRow(grain, "monthly"))?.Period);
    }

    [Fact]
    public async Task A_grain_reads_all_of_its_reminders_and_none_of_another_grain()
    {
        var table = Table;
        var grain = NewGrainId();
        var other = NewGrainId();
        var start = Microseconds(DateTime.UtcNow);
        await table.UpsertRow(Reminder(grain, "daily", start, TimeSpan.FromDays(1)));
        await table.UpsertRow(Reminder(grain, "weekly", start, TimeSpan.FromDays(7)));
        await table.UpsertRow(Reminder(other, "daily", start, TimeSpan.FromDays(1)));

        var reminders = await table.ReadRows(grain);

        Assert.Equal(["daily", "weekly"], reminders.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(reminders.Reminders, r => Assert.Equal(grain, r.GrainId));
        Assert.Null(await table.ReadRow(grain, "never"));
    }

    [Fact]
    public async Task A_hash_range_includes_its_end_excludes_its_start_and_may_wrap_around()
    {
        var table = Table;
        var grain = NewGrainId();
        await table.UpsertRow(Reminder(grain, "daily", Microseconds(DateTime.UtcNow), TimeSpan.FromDays(1)));
        var hash = grain.GetUniformHashCode();

        Assert.True(await ContainsAsync(hash - 1, hash));      // (h-1, h]
        Assert.True(await ContainsAsync(hash + 1, hash));      // (h+1, h] wraps around the ring
        Assert.False(await ContainsAsync(hash, hash + 1));     // (h, h+1]
        Assert.False(await ContainsAsync(hash, hash - 1));     // (h, h-1] wraps around the ring

        async Task<bool> ContainsAsync(uint begin, uint end) =>
            (await table.ReadRows(begin, end)).Reminders.Any(r => r.GrainId == grain);
    }

    [Fact]
    public async Task A_reminder_is_removed_only_with_its_current_version()
    {
        var table = Table;
        var grain = NewGrainId();
        var start = Microseconds(DateTime.UtcNow);
        var stale = await table.UpsertRow(Reminder(grain, "daily", start, TimeSpan.FromDays(1)));
        var current = await table.UpsertRow(Reminder(grain, "daily", start, TimeSpan.FromDays(2)));

        Assert.NotNull(stale);
        Assert.NotNull(current);
        Assert.False(await table.RemoveRow(grain, "daily", stale));
        Assert.NotNull(await table.ReadRow(grain, "daily"));
        Assert.True(await table.RemoveRow(grain, "daily", current));
        Assert.Null(await table.ReadRow(grain, "daily"));
    }

    private static GrainId NewGrainId() => GrainId.Create("rally-test", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Reminder(GrainId grain, string name, DateTime start, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = start, Period = period };

    /// <summary>PostgreSQL keeps microseconds; .NET ticks are finer.</summary>
    private static DateTime Microseconds(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);
}
