using Rally.Grains.Storage;

namespace Rally.Grains.Notices;

[GrainType("notice-inbox")]
internal sealed class NoticeInboxGrain(
    [PersistentState("notice-inbox", StorageNames.Rally)] IPersistentState<NoticeInboxState> store) : Grain, INoticeInboxGrain
{
    public async Task AddAsync(Notice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (store.State.Closed || store.State.Notices.Any(n => n.Id == notice.Id))
        {
            return;
        }
        store.State.Notices.Add(notice);
        await store.WriteStateAsync();
    }

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
