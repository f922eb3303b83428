using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// An API front, reached by grains as an Orleans observer: it sends each delivery's notice to the connections it
/// holds of those participants and ignores the others. Fronts call no grain from here, so a push never waits on a grain.
/// Every call interleaves (an observer otherwise takes one call at a time); the front's own state is behind locks.
/// </summary>
[Alias("rally.notice-front")]
public interface INoticeFront : IGrainObserver
{
    /// <summary>
    /// Answers once the delivery is recorded and its sends queued. Short timeout: a front that died must not hold up
    /// the fan-out; its participants reconnect elsewhere and replay.
    /// </summary>
    [Alias("deliver"), ResponseTimeout("00:00:05"), AlwaysInterleave]
    Task DeliverAsync(NoticeDelivery delivery);

    /// <summary>
    /// Completes once this front has written the notice to its connections for every delivery of it received so far,
    /// or after a few seconds at most (less than the timeout). The fan-out writes the inboxes only then: thousands of
    /// inbox writes would otherwise take the cores from the sockets still being written.
    /// </summary>
    [Alias("sent"), ResponseTimeout("00:00:05"), AlwaysInterleave]
    Task SentAsync(Guid noticeId);

    /// <summary>Every inbox now keeps the notice: the front stops offering it to new connections from its own memory.</summary>
    [Alias("kept"), ResponseTimeout("00:00:05"), AlwaysInterleave]
    Task KeptAsync(Guid noticeId);

    /// <summary>The participant left Rally: its connections held here are closed.</summary>
    [Alias("disconnect"), ResponseTimeout("00:00:05"), AlwaysInterleave]
    Task DisconnectAsync(Guid participantId);
}
