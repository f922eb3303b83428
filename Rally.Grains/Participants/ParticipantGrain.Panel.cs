using Microsoft.Extensions.Logging;
using Rally.Grains.Panel;

namespace Rally.Grains.Participants;

internal sealed partial class ParticipantGrain
{
    /// <summary>
    /// Brings the panels' counts of this participant up to date after a change (<see cref="PanelFeed"/>): the moves
    /// are stored first, then sent in order, the fact stored, then the panels told to forget their ids. Whatever fails
    /// is retried by the leaving reminder (registered here then) or at the next activation, each move applied once
    /// whatever the retries. Never throws: the change that called it is stored already.
    /// </summary>
    private async Task FeedPanelAsync()
    {
        var feed = State.PanelFeed;
        try
        {
            // A move is sent only once a write holding it has succeeded: sent but never stored, it would be made again.
            var queued = feed.Queue(PanelFeed.WantedBy(State));
            if (queued || feed.Unsent.Count > 0)
            {
                await store.WriteStateAsync();
            }
            var sent = 0;
            foreach (var move in feed.Unsent.ToArray())
            {
                await GrainFactory.GetGrain<IPanelGrain>(move.Population).MoveAsync(move.Id, move.From, move.To);
                feed.Unsent.Remove(move);
                feed.Unforgotten.Add(move with { From = null, To = null });
                sent++;
            }
            // Stored as sent before the panel may forget the ids: until then, a resent move must still be recognised.
            if (sent > 0)
            {
                await store.WriteStateAsync();
            }
            var forgotten = 0;
            foreach (var move in feed.Unforgotten.ToArray())
            {
                await GrainFactory.GetGrain<IPanelGrain>(move.Population).ForgetAsync(move.Id);
                feed.Unforgotten.Remove(move);
                forgotten++;
            }
            if (forgotten > 0)
            {
                await store.WriteStateAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPanelFeedDeferred(logger, ex);
            await TryAsync(EnsureReminderAsync, () => { });
        }
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "The panel's figures could not be brought up to date now; retried by reminder")]
    private static partial void LogPanelFeedDeferred(ILogger logger, Exception exception);
}
