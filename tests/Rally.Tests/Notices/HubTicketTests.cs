using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rally.Api.Authentication;
using Rally.Api.Notices;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>Hub tickets read back exactly as issued (nonce and MAC are base64url, which may hold '_'), until they expire, and no altered one does.</summary>
public sealed class HubTicketTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private HubTickets Tickets(string key = TestSecrets.CredentialKey) =>
        new(Options.Create(new CredentialOptions { Key = key }), Options.Create(new NoticeOptions()), _clock);

    [Fact]
    public void Every_ticket_issued_reads_back_until_it_expires()
    {
        var tickets = Tickets();
        var participantId = Guid.NewGuid();
        var issued = Enumerable.Range(0, 500).Select(_ => tickets.Issue(participantId)).ToArray();

        Assert.All(issued, t => Assert.Equal(participantId, tickets.Read(t.Ticket)?.ParticipantId));
        Assert.Contains(issued, t => t.Ticket[36..].Contains('_', StringComparison.Ordinal) && t.Ticket.Split('_').Length > 5);
        Assert.Equal(500, issued.Select(t => tickets.Read(t.Ticket)!.Value.Nonce).Distinct().Count());

        _clock.Advance(new NoticeOptions().TicketLifetime + TimeSpan.FromSeconds(1));
        Assert.All(issued, t => Assert.Null(tickets.Read(t.Ticket)));
    }

    [Fact]
    public void An_altered_ticket_or_one_under_another_key_reads_as_nothing()
    {
        var (ticket, _) = Tickets().Issue(Guid.NewGuid());

        Assert.Null(Tickets("another-credential-key-0123456789abcdef").Read(ticket));
        for (var i = 3; i < ticket.Length; i += 7)
        {
            var altered = ticket[..i] + (ticket[i] == 'A' ? 'B' : 'A') + ticket[(i + 1)..];
            Assert.Null(Tickets().Read(altered));
        }
        Assert.Null(Tickets().Read(ticket + "x"));
        Assert.Null(Tickets().Read("rt_"));
    }
}
