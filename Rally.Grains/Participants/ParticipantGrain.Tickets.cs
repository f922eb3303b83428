namespace Rally.Grains.Participants;

/// <summary>Hub tickets: each opens at most one connection, and only while the participant is in Rally.</summary>
internal sealed partial class ParticipantGrain
{
    /// <summary>
    /// Tickets seen, by nonce, with the connection each opened; in memory until they expire (a minute at most): a
    /// ticket is only ever presented within moments of its issue, by the same browser.
    /// </summary>
    private readonly Dictionary<string, (DateTimeOffset ExpiresAt, string? Connection)> _tickets = new(StringComparer.Ordinal);

    public ValueTask<bool> AcceptTicketAsync(string nonce, DateTimeOffset expiresAt, string? connection)
    {
        if (State.Status != ParticipantStatus.Active)
        {
            return ValueTask.FromResult(false);
        }
        var now = clock.GetUtcNow();
        foreach (var expired in _tickets.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToArray())
        {
            _tickets.Remove(expired);
        }
        var seen = _tickets.TryGetValue(nonce, out var used);
        if (connection is null)
        {
            // Negotiating does not use the ticket up; a ticket that opened a connection negotiates nothing more.
            return ValueTask.FromResult(!seen || used.Connection is null);
        }
        if (seen && used.Connection is not null && used.Connection != connection)
        {
            return ValueTask.FromResult(false);
        }
        _tickets[nonce] = (expiresAt, connection);
        return ValueTask.FromResult(true);
    }
}
