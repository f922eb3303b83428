using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rally.Api.Notices;
using Rally.Grains.Notices;
using static Rally.Tests.Notices.FrontNotices;

namespace Rally.Tests.Notices;

/// <summary>
/// A front answers a delivery at once and says when it has written it to its connections: what the fan-out waits
/// for, a few seconds at most, before it writes the inboxes.
/// </summary>
public sealed class NoticeFrontTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly NoticeConnections _connections;
    private readonly HeldSends _hub = new();
    private readonly NoticeFront _front;

    public NoticeFrontTests()
    {
        _connections = new NoticeConnections(_clock, Options.Create(new NoticeOptions()));
        _front = new NoticeFront(_hub, _connections, _clock, NullLogger<NoticeFront>.Instance);
    }

    [Fact]
    public async Task A_delivery_is_answered_before_it_is_written_and_said_sent_once_it_is()
    {
        var participant = Guid.NewGuid();
        _connections.Connect(participant, "c1", Nothing);
        var notice = NewNotice();

        Assert.True(_front.DeliverAsync(new NoticeDelivery(notice, [participant])).IsCompletedSuccessfully);
        await _hub.Issued.WaitAsync(TimeSpan.FromSeconds(30));
        var sent = _front.SentAsync(notice.Id);
        Assert.False(sent.IsCompleted);

        _hub.Release();
        await sent.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["c1"], _hub.Targets);
    }

    [Fact]
    public async Task A_socket_that_does_not_take_the_notice_holds_the_answer_no_longer_than_the_limit()
    {
        var participant = Guid.NewGuid();
        _connections.Connect(participant, "stuck", Nothing);
        var notice = NewNotice();
        await _front.DeliverAsync(new NoticeDelivery(notice, [participant]));
        await _hub.Issued.WaitAsync(TimeSpan.FromSeconds(30));

        var sent = _front.SentAsync(notice.Id);
        _clock.Advance(NoticeFront.SentWaitLimit - TimeSpan.FromMilliseconds(1));
        Assert.False(sent.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await sent.WaitAsync(TimeSpan.FromSeconds(30)); // answered, though the write is still held
        Assert.False(_hub.Released);
    }

    [Fact]
    public void A_notice_with_no_connection_here_is_sent_at_once()
    {
        var notice = NewNotice();
        _front.DeliverAsync(new NoticeDelivery(notice, [Guid.NewGuid()]));

        Assert.True(_front.SentAsync(notice.Id).IsCompletedSuccessfully);
        Assert.True(_front.SentAsync(Guid.NewGuid()).IsCompletedSuccessfully);
        Assert.Empty(_hub.Targets);
    }

    /// <summary>A hub whose sends are issued but not written until released.</summary>
    private sealed class HeldSends : IHubContext<NoticeHub>, IHubClients, IClientProxy
    {
        private readonly TaskCompletionSource _issued = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Issued => _issued.Task;

        public bool Released => _written.Task.IsCompleted;

        public List<string> Targets { get; } = [];

        public void Release() => _written.TrySetResult();

        IHubClients IHubContext<NoticeHub>.Clients => this;

        IGroupManager IHubContext<NoticeHub>.Groups => throw new NotSupportedException();

        public IClientProxy Clients(IReadOnlyList<string> connectionIds)
        {
            Targets.AddRange(connectionIds);
            return this;
        }

        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            _issued.TrySetResult();
            return _written.Task;
        }

        public IClientProxy All => throw new NotSupportedException();

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IClientProxy Client(string connectionId) => throw new NotSupportedException();

        public IClientProxy Group(string groupName) => throw new NotSupportedException();

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IClientProxy Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public IClientProxy User(string userId) => throw new NotSupportedException();

        public IClientProxy Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();
    }
}
