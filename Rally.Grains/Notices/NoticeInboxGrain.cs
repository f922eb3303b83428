using Microsoft.Extensions.Options;
using Rally.Grains.Storage;

namespace Rally.Grains.Notices;

[GrainType("notice-inbox")]
internal sealed class NoticeInboxGrain(
    [PersistentState("notice-inbox", StorageNames.Rally)] IPersistentState<NoticeInboxState> store,
    IOptions<InboxOptions> options) : Grain, INoticeInboxGrain
{
    /// <summary>How many early acknowledgements are remembered: a few deliveries' worth is all a participant can see early.</summary>
    internal const int EarlyAcks = 16;

    public async Task AddAsync(Notice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (store.State.Closed || store.State.Notices.Any(n => n.Id == notice.Id) || store.State.AckedEarly.Contains(notice.Id))
        {
            return;
        }
        var notices = store.State.Notices;
        if (notice.Kind != NoticeKind.DataDeleted)
        {
            // What the participant should know now: the newest word of the study on this matter.
            notices.RemoveAll(n => Matter(n.Kind) == Matter(notice.Kind) && n.StudyId == notice.StudyId);
        }
        notices.Add(notice);
        // Bounded, oldest first; a deletion's notice is the participant's receipt and is never dropped.
        for (var i = 0; notices.Count > options.Value.MaxNotices && i < notices.Count;)
        {
            if (notices[i].Kind == NoticeKind.DataDeleted || notices[i].Id == notice.Id)
            {
                i++;
            }
            else
            {
                notices.RemoveAt(i);
            }
        }
        await store.WriteStateAsync();
    }

    /// <summary>
    /// Pausing and resuming are one matter: a study's newest word on it says whether it runs now. (A study's outbox
    /// delivers its notices one after another, so an older word never arrives after a newer one.)
    /// </summary>
    private static NoticeKind Matter(NoticeKind kind) => kind == NoticeKind.StudyResumed ? NoticeKind.StudyPaused : kind;

    public Task<Notice[]> ListAsync() => Task.FromResult(store.State.Notices.ToArray());

    /// <summary>
    /// A notice not in the inbox may still be on its way (pushed, its inbox write to come): its id is remembered so
    /// that it never enters; the answer is still false, as nothing was pending.
    /// </summary>
    public async Task<bool> AckAsync(Guid noticeId)
    {
        if (store.State.Closed)
        {
            return false;
        }
        if (store.State.Notices.RemoveAll(n => n.Id == noticeId) > 0)
        {
            await store.WriteStateAsync();
            return true;
        }
        var early = store.State.AckedEarly;
        if (!early.Contains(noticeId))
        {
            early.Add(noticeId);
            if (early.Count > EarlyAcks)
            {
                early.RemoveAt(0);
            }
            await store.WriteStateAsync();
        }
        return false;
    }

    public async Task CloseAsync()
    {
        store.State = new NoticeInboxState { Closed = true };
        await store.WriteStateAsync();
    }
}
