using Rally.Grains.Notices;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>An inbox stays small whatever a study does: the newest notice of a kind and study replaces the older, and a cap drops the oldest, never a deletion's receipt.</summary>
[Collection(ClusterCollection.Name)]
public sealed class InboxTests(ClusterFixture fixture)
{
    private static Notice Of(NoticeKind kind, string studyId, int n) =>
        new(Guid.NewGuid(), kind, studyId, $"notice {n}", null, DateTimeOffset.UtcNow.AddSeconds(n));

    [Fact]
    public async Task A_notice_acknowledged_before_its_inbox_write_never_enters_the_inbox()
    {
        // The push reaches the participant before the inbox write; its acknowledgement may come first.
        var inbox = fixture.Client.GetGrain<INoticeInboxGrain>(Guid.NewGuid());
        var early = Of(NoticeKind.StudyEnded, "study-a", 0);
        var other = Of(NoticeKind.StudyEnded, "study-b", 1);

        Assert.False(await inbox.AckAsync(early.Id));
        await inbox.AddAsync(early);
        await inbox.AddAsync(other);
        await inbox.AddAsync(early); // the outbox's retry

        Assert.Equal([other.Id], (await inbox.ListAsync()).Select(n => n.Id));
        Assert.True(await inbox.AckAsync(other.Id));
        Assert.Empty(await inbox.ListAsync());
    }

    [Fact]
    public async Task Early_acknowledgements_are_remembered_only_for_the_latest_few()
    {
        var inbox = fixture.Client.GetGrain<INoticeInboxGrain>(Guid.NewGuid());
        var first = Of(NoticeKind.StudyEnded, "study-a", 0);
        await inbox.AckAsync(first.Id);
        for (var i = 0; i < NoticeInboxGrain.EarlyAcks; i++)
        {
            await inbox.AckAsync(Guid.NewGuid());
        }
        var latest = Of(NoticeKind.StudyEnded, "study-b", 1);
        await inbox.AckAsync(latest.Id);

        await inbox.AddAsync(first);
        await inbox.AddAsync(latest);

        // A flood of random ids costs a bounded list, and pushes out only the oldest.
        Assert.Equal([first.Id], (await inbox.ListAsync()).Select(n => n.Id));
    }

    [Fact]
    public async Task A_newer_notice_of_the_same_kind_and_study_replaces_the_older_one()
    {
        var inbox = fixture.Client.GetGrain<INoticeInboxGrain>(Guid.NewGuid());
        for (var i = 0; i < 30; i++)
        {
            await inbox.AddAsync(Of(NoticeKind.ConsentChanged, "study-a", i));
        }
        await inbox.AddAsync(Of(NoticeKind.StudyEnding, "study-a", 30));
        await inbox.AddAsync(Of(NoticeKind.ConsentChanged, "study-b", 31));
        await inbox.AddAsync(Of(NoticeKind.DataDeleted, "study-a", 32));
        await inbox.AddAsync(Of(NoticeKind.DataDeleted, "study-a", 33));

        var kept = await inbox.ListAsync();
        Assert.Equal(["notice 29", "notice 30", "notice 31", "notice 32", "notice 33"], kept.Select(n => n.Message));
    }

    [Fact]
    public async Task Past_the_cap_the_oldest_notices_go_but_never_a_deletions()
    {
        var inbox = fixture.Client.GetGrain<INoticeInboxGrain>(Guid.NewGuid());
        var max = new InboxOptions().MaxNotices;
        await inbox.AddAsync(Of(NoticeKind.DataDeleted, "study-gone", 0));
        for (var i = 1; i <= max + 20; i++)
        {
            await inbox.AddAsync(Of(NoticeKind.ConsentChanged, $"study-{i}", i));
        }

        var kept = await inbox.ListAsync();
        Assert.Equal(max, kept.Length);
        Assert.Equal(NoticeKind.DataDeleted, kept[0].Kind);
        Assert.Equal($"notice {max + 20}", kept[^1].Message);
        Assert.DoesNotContain(kept, n => n.Message == "notice 21");

        // Deletions' notices are never dropped, even past the cap.
        for (var i = 0; i < 5; i++)
        {
            await inbox.AddAsync(Of(NoticeKind.DataDeleted, $"study-left-{i}", max + 30 + i));
        }
        kept = await inbox.ListAsync();
        Assert.Equal(6, kept.Count(n => n.Kind == NoticeKind.DataDeleted));
        Assert.Equal(max, kept.Length);
    }
}
