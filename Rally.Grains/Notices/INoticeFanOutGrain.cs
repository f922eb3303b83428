using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// Delivers one notice to many participants: pushes it to every API front in one message per front and chunk of
/// participants, then keeps it in every participant's inbox (see <c>NoticeFanOutGrain</c> for why in that order).
/// A stateless worker local to its caller; it calls inboxes, the front registry and fronts, none of which calls
/// back, so callers (a study, a deletion ledger) may await it safely.
/// </summary>
[Alias("rally.notice-fan-out-grain")]
public interface INoticeFanOutGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Pushes, then completes once every inbox has kept the notice (idempotent by notice id); pushes are best effort.</summary>
    [Alias("deliver")]
    Task DeliverAsync(Notice notice, Guid[] participantIds);

    /// <summary>
    /// Pushes a notice that the caller has already kept in the participants' inboxes to the fronts holding their
    /// connections. One-way: a caller holding up other work (a deletion ledger) never waits on a front.
    /// </summary>
    [Alias("push"), OneWay]
    Task PushAsync(Notice notice, Guid[] participantIds);

    /// <summary>
    /// Closes the participant's hub connections on every front (it left Rally; its token no longer works). One-way and
    /// interleaved: leaving Rally answers without waiting on the fronts, nor on the notices this worker is fanning out
    /// (a leave waited 30 s behind them and its request timed out, in <c>LeavingOnPostgresTests</c>).
    /// </summary>
    [Alias("disconnect"), OneWay, AlwaysInterleave]
    Task DisconnectAsync(Guid participantId);
}
