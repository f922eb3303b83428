using System.ComponentModel.DataAnnotations;
using Rally.Silo.Hosting;

namespace Rally.Api.Hosting;

/// <summary>How this front reaches the grains, bound from <c>Rally:Orleans</c>.</summary>
public sealed class OrleansOptions
{
    public const string Section = "Rally:Orleans";

    public const string ModeKey = Section + ":" + nameof(Mode);

    /// <summary>Default: <see cref="OrleansMode.Client"/> when Rally keeps its data in PostgreSQL, <see cref="OrleansMode.Embedded"/> otherwise.</summary>
    public OrleansMode? Mode { get; set; }

    /// <summary>
    /// How long a front in Client mode waits for a grain's answer, and the most a call may take with every attempt it
    /// is sent (Orleans' own default is 30 s; Rally's grain calls take milliseconds). Calls lost with a silo that dies
    /// are not left to run into it: see <see cref="AttemptTimeout"/> and <see cref="MembershipPollInterval"/>.
    /// Default 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a front waits for one attempt of a call it may send again by itself (grain methods that take a
    /// <see cref="CancellationToken"/>: the upload permit, authentication, join, enroll, leave a study, reads) before it
    /// cancels the attempt and sends it again, within <see cref="ResponseTimeout"/> in all. Such an attempt in flight
    /// when a gateway connection closes or a silo is declared dead is sent again at once. Default 2 seconds: far above
    /// what these calls take (milliseconds), so a slow but healthy call is rarely sent twice, and below the 3 s in
    /// which a lost upload must be served again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often a front reads the membership table to learn that a silo was declared dead, so that calls in flight
    /// are sent again or answered 503 at once (an Orleans client never fails them by itself). Default 250 ms: one
    /// small query of <c>rally_membership</c> (a few rows) four times a second per front.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan MembershipPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public OrleansMode ModeFor(RallyStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return Mode ?? (storage.IsPostgres ? OrleansMode.Client : OrleansMode.Embedded);
    }
}
