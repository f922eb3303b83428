using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Purge;

/// <summary>The knobs of the purge benchmark; the defaults are the sizes.</summary>
internal sealed record PurgeOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- purge [options]

          --events N         events in each purged study (default 1000000)
          --other-events O   events in the study that stays, checked untouched after every purge (default 100000)
          --participants P   participants enrolled in every study (default 10)
          --rounds R         rounds, each a fresh study purged through Rally and an identical partition dropped raw,
                             in alternating order (default 3)
          --silos S          Rally.Silo processes (default 1)
          --poll-ms M        how often the operator's client reads the study's ledger for droppedAt (default 10)
        """;

    /// <summary>Events each participant uploads to each study through the API, so that every partition is the sink's own.</summary>
    public const int UploadedPerParticipant = 5;

    public int Events { get; init; } = 1_000_000;

    public int OtherEvents { get; init; } = 100_000;

    public int Participants { get; init; } = 10;

    public int Rounds { get; init; } = 3;

    public int Silos { get; init; } = 1;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    public static bool TryParse(ReadOnlySpan<string> args, out PurgeOptions options, out string error)
    {
        options = new PurgeOptions();
        if (!NumberOptions.TryApply(args, ref options, static (o, name, number) => name switch
        {
            "--events" => o with { Events = number },
            "--other-events" => o with { OtherEvents = number },
            "--participants" => o with { Participants = number },
            "--rounds" => o with { Rounds = number },
            "--silos" => o with { Silos = number },
            "--poll-ms" => o with { PollInterval = TimeSpan.FromMilliseconds(number) },
            _ => null,
        }, out error))
        {
            return false;
        }
        if (options.Events > 10_000_000 || options.OtherEvents > 10_000_000 || options.Participants > 1_000 || options.Rounds > 20
            || options.Silos > 4 || options.PollInterval.TotalSeconds > 10)
        {
            error = "Out of range: at most 10M events a study, 1000 participants, 20 rounds, 4 silos and polls 10,000 ms apart.";
            return false;
        }
        var uploaded = (long)options.Participants * UploadedPerParticipant;
        if (options.Events < uploaded || options.OtherEvents < uploaded)
        {
            error = $"Each study holds at least the {uploaded} events its participants upload through the API ({UploadedPerParticipant} each).";
            return false;
        }
        return true;
    }
}
