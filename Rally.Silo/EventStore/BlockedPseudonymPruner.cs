using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;
using Rally.Silo.Hosting;

namespace Rally.Silo.EventStore;

/// <summary>
/// Forgets the pseudonyms of deleted enrollments once nothing sent under them can still arrive: blocked longer ago
/// than the stream's expiry plus its delivery time plus the in-flight margin (<see cref="Bound"/>). Every silo runs
/// it, every <see cref="DeletionOptions.RetryPeriod"/>; the age is the database's to judge, and pruning is idempotent.
/// </summary>
internal sealed partial class BlockedPseudonymPruner(
    IStudyEventStore events,
    IOptions<RallyStreamOptions> streams,
    IOptions<DeletionOptions> deletions,
    TimeProvider clock,
    ILogger<BlockedPseudonymPruner> logger) : BackgroundService
{
    /// <summary>How long a deleted enrollment's pseudonym stays blocked.</summary>
    public TimeSpan Bound => Of(streams.Value, deletions.Value);

    public static TimeSpan Of(RallyStreamOptions streams, DeletionOptions deletions)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(deletions);
        return streams.ExpiryTimeout + streams.MaxDeliveryTime + deletions.InFlightMargin;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await events.PruneDeletedAsync(Bound, stoppingToken);
                if (pruned > 0)
                {
                    LogPruned(logger, pruned);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be away: the next round tries again; the rows only wait longer.
                LogPruneFailed(logger, ex);
            }
            try
            {
                await Task.Delay(deletions.Value.RetryPeriod, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Forgot {Count} blocked pseudonyms past the in-flight bound")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Pruning blocked pseudonyms failed; tried again later")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
