using Orleans.Concurrency;
using Rally.Grains.Studies;

namespace Rally.Grains.Deletions;

/// <summary>
/// One study's deletion ledger, keyed by study id: it records each request before it is acknowledged and
/// carries it out against the study's store, retried by a reminder until the store confirms.
/// </summary>
[Alias("rally.deletion-ledger-grain")]
public interface IDeletionLedgerGrain : IGrainWithStringKey
{
    /// <summary>Records a participant's request (once, by its id); what happens depends on where the study is in its life.</summary>
    [Alias("request-deletion")]
    Task<DeletionReceipt> RequestAsync(DeletionRequest request);

    /// <summary>The participant of request <paramref name="deletionId"/> left Rally: its id is no longer kept (nor is it told).</summary>
    [Alias("forget")]
    Task ForgetAsync(Guid deletionId);

    /// <summary>Answers from memory, even while the ledger waits on the store (interleaved: reads never wait on a deletion).</summary>
    [Alias("get"), AlwaysInterleave]
    Task<DeletionView?> GetAsync(Guid deletionId);

    /// <summary>
    /// The study's analysis completed: drop all its raw data and complete every locked request. <paramref name="studyName"/>
    /// is the study's name on its card, by which the participants told are given the study (null: the name the ledger has).
    /// </summary>
    [Alias("complete-analysis")]
    Task CompleteAnalysisAsync(string? studyName);

    [Alias("list"), AlwaysInterleave]
    Task<LedgerView> ListAsync();

    /// <summary>
    /// At most <paramref name="limit"/> requests, oldest first, after the cursor <paramref name="after"/> (a page's
    /// <see cref="LedgerView.Next"/>; null for the first page). A cursor this ledger did not hand out is refused as an
    /// invalid request. A request dropped from the list between two pages does not shift the next.
    /// </summary>
    [Alias("list-page"), AlwaysInterleave]
    Task<LedgerView> ListPageAsync(string? after, int limit);
}
