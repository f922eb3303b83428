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
    /// How long a front in Client mode waits for a grain's answer. A call in flight to a silo that dies is never
    /// answered: it fails after this, so the caller gets a 503 and retries soon (Orleans' own default is 30 s;
    /// Rally's grain calls take milliseconds). Default 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public OrleansMode ModeFor(RallyStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return Mode ?? (storage.IsPostgres ? OrleansMode.Client : OrleansMode.Embedded);
    }
}
