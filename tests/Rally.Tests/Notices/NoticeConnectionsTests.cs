using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rally.Api.Notices;
using Rally.Grains.Notices;
using static Rally.Tests.Notices.FrontNotices;

namespace Rally.Tests.Notices;

/// <summary>A front's memory of connections and of deliveries not yet in every inbox.</summary>
public sealed class NoticeConnectionsTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly NoticeConnections _connections;

    public NoticeConnectionsTests() =>
        _connections = new NoticeConnections(_clock, Options.Create(new NoticeOptions { RecentRetention = TimeSpan.FromMinutes(2) }));

    [Fact]
    public void A_delivery_finds_the_connections_of_its_participants_only()
    {
        var (mine, other) = (Guid.NewGuid(), Guid.NewGuid());
        _connections.Connect(mine, "c1", Nothing);
        _connections.Connect(mine, "c2", Nothing);
        _connections.Connect(other, "c3", Nothing);

        Assert.Equal(["c1", "c2"], _connections.Deliver(new NoticeDelivery(NewNotice(), [mine])).Order());
        _connections.Disconnect(mine, "c1");
        Assert.Equal(["c2"], _connections.Deliver(new NoticeDelivery(NewNotice(), [mine])));
    }

    [Fact]
    public void A_participant_connecting_while_its_notice_is_being_stored_gets_it_from_the_front_until_it_is_kept()
    {
        var participant = Guid.NewGuid();
        var notice = NewNotice();
        Assert.Empty(_connections.Deliver(new NoticeDelivery(notice, [participant, Guid.NewGuid()])));

        Assert.Equal([notice], _connections.Connect(participant, "early", Nothing));
        Assert.Empty(_connections.Connect(Guid.NewGuid(), "someone-else", Nothing));

        _connections.Kept(notice.Id);
        Assert.Empty(_connections.Connect(participant, "later", Nothing));
    }

    [Fact]
    public void Deliveries_are_forgotten_after_the_retention_even_if_never_confirmed()
    {
        var participant = Guid.NewGuid();
        _connections.Deliver(new NoticeDelivery(NewNotice(), [participant]));

        _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        Assert.Empty(_connections.Connect(participant, "late", Nothing));
    }

    [Fact]
    public void Aborting_a_participant_closes_its_connections_only()
    {
        var (leaver, other) = (Guid.NewGuid(), Guid.NewGuid());
        var closed = new List<string>();
        _connections.Connect(leaver, "c1", () => closed.Add("c1"));
        _connections.Connect(leaver, "c2", () => closed.Add("c2"));
        _connections.Connect(other, "c3", () => closed.Add("c3"));

        _connections.Abort(leaver);

        Assert.Equal(["c1", "c2"], closed.Order());
    }
}
