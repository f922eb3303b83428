using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Deletions;

/// <summary>How deletion requests are carried out, bound from <c>Rally:Deletions</c>.</summary>
public sealed class DeletionOptions
{
    public const string Section = "Rally:Deletions";

    /// <summary>
    /// How often a deletion the store could not confirm (for example while the database is down) is tried again,
    /// by a durable reminder that survives silo restarts. Default 1 minute; Orleans' minimum reminder period is
    /// lowered to match when this is shorter.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after a participant leaves an upload it was allowed just before may still be handed to the stream.
    /// A deleted enrollment's pseudonym stays blocked for <c>Rally:Streams:ExpiryTimeout</c> +
    /// <c>Rally:Streams:MaxDeliveryTime</c> + this, after which nothing sent under it can still arrive, and is then
    /// forgotten. Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InFlightMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Completed requests one study's ledger keeps listed; past it the oldest completed ones are dropped from the list and
    /// only counted (the ledger's totals stay whole), and each participant still follows its own requests from its own
    /// record. Default 1000: the list is rewritten on each write, so it must not grow with every leave and re-enroll.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxCompletedEntries { get; set; } = 1000;
}
