using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Fanout;

/// <summary>The knobs of the fan-out benchmark.</summary>
internal sealed record FanoutOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- fanout [options]

          --participants N   connected participants, all enrolled in the studies ended (default 10000), spread
                             evenly over the fronts
          --rounds R         studies ended one after the other, and as many raw broadcasts (default 5)
          --fronts F         Rally.Api fronts in Client mode (default 2)
          --silos S          Rally.Silo processes (default 2)
          --setup-parallel P participants joining and enrolling at a time, spread over the fronts (default 32)
        """;

    public int Participants { get; init; } = 10_000;

    public int Rounds { get; init; } = 5;

    public int Fronts { get; init; } = 2;

    public int Silos { get; init; } = 2;

    public int SetupParallelism { get; init; } = 32;

    public static bool TryParse(ReadOnlySpan<string> args, out FanoutOptions options, out string error)
    {
        options = new FanoutOptions();
        if (!NumberOptions.TryApply(args, ref options, static (o, name, number) => name switch
        {
            "--participants" => o with { Participants = number },
            "--rounds" => o with { Rounds = number },
            "--fronts" => o with { Fronts = number },
            "--silos" => o with { Silos = number },
            "--setup-parallel" => o with { SetupParallelism = number },
            _ => null,
        }, out error))
        {
            return false;
        }
        if (options.Participants > 20_000 || options.Rounds > 20 || options.Fronts > 4 || options.Silos > 4 || options.SetupParallelism > 256)
        {
            error = "Out of range: at most 20000 participants, 20 rounds, 4 fronts, 4 silos and 256 at a time in the setup.";
            return false;
        }
        return true;
    }
}
