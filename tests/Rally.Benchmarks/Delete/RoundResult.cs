using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Delete;

/// <summary>What a round found in the tables and the ledger after both deletions.</summary>
internal sealed record RoundChecks(
    long LeaverLeft, long OthersLeft, bool OthersUnchanged, long? LedgerDeleted, long RawRows, bool MirrorMatches, long Expected, long ExpectedOthers)
{
    public bool Ok => LeaverLeft == 0 && OthersLeft == ExpectedOthers && OthersUnchanged && LedgerDeleted == Expected && RawRows == Expected && MirrorMatches;
}

/// <summary>One round: the same participant's rows deleted through Rally and raw, measured.</summary>
internal sealed record RoundResult(int Number, bool RallyFirst, RallyDeletionResult Deletion, PhaseResult Rally, PhaseResult Raw, RoundChecks Checks)
{
    public double Ratio => Rally.Elapsed / Raw.Elapsed;

    /// <summary>Execution time of the store's deleting statement, from <c>pg_stat_statements</c>.</summary>
    public TimeSpan RallyStatement => TimeSpan.FromMilliseconds(RallyDelete?.TotalMs ?? 0);

    /// <summary>Every other statement PostgreSQL ran during Rally's phase: the grains' state and reminder writes, the tombstone, the silos' background polling.</summary>
    public TimeSpan RallyOtherStatements => TimeSpan.FromMilliseconds(Rally.Statements.Where(s => s != RallyDelete).Sum(s => s.TotalMs));

    public string RallyPages => Pages(RallyDelete);

    public string RawPages => Pages(RawDelete);

    public TimeSpan RawStatement => TimeSpan.FromMilliseconds(
        Raw.Statements.FirstOrDefault(s => s.Query.StartsWith($"DELETE FROM {StudyData.MirrorTable}", StringComparison.Ordinal))?.TotalMs ?? 0);

    private StatementUse? RawDelete => Raw.Statements.FirstOrDefault(s => s.Query.StartsWith($"DELETE FROM {StudyData.MirrorTable}", StringComparison.Ordinal));

    private static string Pages(StatementUse? s) => s is null ? "?" : $"{s.BlocksHit:#,0} / {s.BlocksRead:#,0}";

    /// <summary>The store's statement that deletes the rows (its rows-affected is the count kept in <c>rally_deletion_receipts</c>).</summary>
    private StatementUse? RallyDelete =>
        Rally.Statements.FirstOrDefault(s => s.Query.Contains($"DELETE FROM {StudyData.StudyTable}", StringComparison.Ordinal));
}
