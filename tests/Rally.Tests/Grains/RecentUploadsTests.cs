using Rally.Grains.Participants;

namespace Rally.Tests.Grains;

/// <summary>The participant's record of recently acknowledged events: the latest ids, no more than its capacity.</summary>
public sealed class RecentUploadsTests
{
    [Fact]
    public void The_latest_ids_are_kept_and_the_oldest_forgotten_past_the_capacity()
    {
        var recent = new RecentUploads("pseudonym");
        var ids = Enumerable.Range(0, RecentUploads.Capacity + 100).Select(_ => Guid.NewGuid()).ToArray();

        recent.Add(ids.Take(RecentUploads.Capacity));
        recent.Add(ids.Take(10)); // sent again: neither added twice nor made younger
        Assert.Equal(RecentUploads.Capacity, recent.Count);
        Assert.All(ids.Take(RecentUploads.Capacity), id => Assert.True(recent.Contains(id)));

        recent.Add(ids.Skip(RecentUploads.Capacity));

        Assert.Equal(RecentUploads.Capacity, recent.Count);
        Assert.All(ids.Take(100), id => Assert.False(recent.Contains(id)));
        Assert.All(ids.Skip(100), id => Assert.True(recent.Contains(id)));
    }
}
