using Microsoft.Extensions.Options;
using Rally.Grains.Storage;

namespace Rally.Grains.Notices;

[GrainType("notice-inbox")]
internal sealed class NoticeInboxGrain(
    [PersistentState("notice-inbox", StorageNames.Rally)] IPersistentState<NoticeInboxState> store,
    IOptions<InboxOptions> options) : Grain, INoticeInboxGrain
{
    public async Task AddAsync(Notice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (store.State.Closed || store.State.Notices.Any(n => n.Id == notice.Id))
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

    public async Task<bool> AckAsync(Guid noticeId)
    {
        if (store.State.Notices.RemoveAll(n => n.Id == noticeId) == 0)
        {
            return false;
        }
        await store.WriteStateAsync();
        return true;
    }

    public async Task CloseAsync()
    {
        store.State = new NoticeInboxState { Closed = true };
        await store.WriteStateAsync();
    }
}
