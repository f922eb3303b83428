using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Purge;

/// <summary>What a round found in the database after both drops.</summary>
internal sealed record PurgeChecks(
    long StudyRowsLeft, bool StudyPartitionGone, bool Tombstone, bool MirrorPartitionGone, long OtherRows, bool OtherUnchanged, long ExpectedOther)
{
    public bool Ok => StudyRowsLeft == 0 && StudyPartitionGone && Tombstone && MirrorPartitionGone && OtherRows == ExpectedOther && OtherUnchanged;
}

/// <summary>One round: a fresh study purged through Rally, and an identical partition dropped raw, measured.</summary>
internal sealed record PurgeRound(int Number, bool RallyFirst, RallyPurgeResult Purge, PhaseResult Rally, PhaseResult Raw, PurgeChecks Checks, double PartitionMb)
{
    public double Ratio => Rally.Elapsed / Raw.Elapsed;

    /// <summary>Execution time of the store's <c>DROP TABLE</c> of the study's partition, from <c>pg_stat_statements</c>.</summary>
    public TimeSpan RallyStatement => TimeSpan.FromMilliseconds(Rally.Statements.FirstOrDefault(IsRallyDrop)?.TotalMs ?? 0);

    /// <summary>Every other statement PostgreSQL ran during Rally's phase: state, reminder and dead-letter work, the silos' background polling.</summary>
    public TimeSpan RallyOtherStatements => TimeSpan.FromMilliseconds(Rally.Statements.Where(s => !IsRallyDrop(s)).Sum(s => s.TotalMs));

    public TimeSpan RawStatement => TimeSpan.FromMilliseconds(
        Raw.Statements.FirstOrDefault(s => s.Query.StartsWith("DROP TABLE bench_delete_", StringComparison.Ordinal))?.TotalMs ?? 0);

    private static bool IsRallyDrop(StatementUse s) => s.Query.Contains("DROP TABLE IF EXISTS rally_events_", StringComparison.Ordinal);
}

/// <summary>The run's figures, for a summary: the median round's times (ms), their ratio, the goal, and whether every check held.</summary>
internal sealed record PurgeResult(double RallyMs, double RawMs, double Ratio, double Goal, bool ChecksOk)
{
    public bool Met => Ratio <= Goal;
}
