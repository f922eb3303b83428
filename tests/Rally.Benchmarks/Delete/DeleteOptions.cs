using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Delete;

/// <summary>The knobs of the delete benchmark; the defaults are the sizes and make a run of a few minutes on 2 cores.</summary>
internal sealed record DeleteOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- delete [options]

          --events N         events in the study when each deletion starts (default 1000000)
          --leaver-events L  events of the participant who leaves (default 100000)
          --participants P   participants enrolled in the study, leavers included (default 10)
          --rounds R         rounds, each deleting another participant through Rally and the same rows raw,
                             in alternating order; the study is topped up to N events between rounds (default 3)
          --silos S          Rally.Silo processes (default 1)
          --poll-ms M        how often the leaver's client asks whether its deletion is completed, once its live
                             data-deleted notice has arrived (default 10)
          --poll-only        the leaver's client does not listen for notices: it asks every --poll-ms from the start
        """;

    /// <summary>Events each participant uploads through the API before the bulk load, so that the study's partition and pseudonyms are Rally's own.</summary>
    public const int UploadedPerParticipant = 5;

    public int Events { get; init; } = 1_000_000;

    public int LeaverEvents { get; init; } = 100_000;

    public int Participants { get; init; } = 10;

    public int Rounds { get; init; } = 3;

    public int Silos { get; init; } = 1;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Whether the leaver's client asks for its status from the start (the benchmark's first client) rather than once its
    /// live <c>data-deleted</c> notice arrived (as a participant's open page learns it).
    /// </summary>
    public bool PollOnly { get; init; }

    /// <summary>Participants who never leave: they hold the rest of the study's events.</summary>
    public int Stayers => Participants - Rounds;

    public static bool TryParse(ReadOnlySpan<string> args, out DeleteOptions options, out string error)
    {
        options = new DeleteOptions();
        // The one flag without a value; the rest are --name N pairs.
        var pollOnly = args.IndexOf("--poll-only") >= 0;
        string[] rest = [.. args.ToArray().Where(a => a != "--poll-only")];
        args = rest;
        options = options with { PollOnly = pollOnly };
        if (!NumberOptions.TryApply(args, ref options, static (o, name, number) => name switch
        {
            "--events" => o with { Events = number },
            "--leaver-events" => o with { LeaverEvents = number },
            "--participants" => o with { Participants = number },
            "--rounds" => o with { Rounds = number },
            "--silos" => o with { Silos = number },
            "--poll-ms" => o with { PollInterval = TimeSpan.FromMilliseconds(number) },
            _ => null,
        }, out error))
        {
            return false;
        }
        if (options.Events > 10_000_000 || options.Participants > 1_000 || options.Rounds > 20 || options.Silos > 4 || options.PollInterval.TotalSeconds > 10)
        {
            error = "Out of range: at most 10M events, 1000 participants, 20 rounds, 4 silos and polls 10,000 ms apart.";
            return false;
        }
        if (options.Stayers < 1)
        {
            error = "Each round needs a leaver of its own and someone must stay: --participants must exceed --rounds.";
            return false;
        }
        if (options.LeaverEvents < UploadedPerParticipant
            || (long)options.Events - ((long)options.Rounds * options.LeaverEvents) < (long)options.Stayers * UploadedPerParticipant)
        {
            error = $"The leavers' events (--rounds × --leaver-events, each at least {UploadedPerParticipant}) must leave at least "
                + $"{UploadedPerParticipant} events to each participant who stays.";
            return false;
        }
        return true;
    }
}
