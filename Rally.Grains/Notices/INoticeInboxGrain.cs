using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// A participant's pending notices, keyed by participant id. It calls no other grain, so studies and the
/// participant grain may both call it without ever waiting on each other.
/// </summary>
[Alias("rally.notice-inbox-grain")]
public interface INoticeInboxGrain : IGrainWithGuidKey
{
    /// <summary>Keeps the notice (once, by id) unless the inbox was closed because the participant left Rally.</summary>
    [Alias("add")]
    Task AddAsync(Notice notice);

    [Alias("list"), ReadOnly]
    Task<Notice[]> ListAsync();

    /// <summary>Removes an acknowledged notice; false when there was no such notice.</summary>
    [Alias("ack")]
    Task<bool> AckAsync(Guid noticeId);

    /// <summary>The participant left Rally: every notice is deleted and no more are kept.</summary>
    [Alias("close")]
    Task CloseAsync();
}
