using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Fanout;

/// <summary>The knobs of the fan-out benchmark.</summary>
internal sealed record FanoutOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- fanout [options]

          --participants N   connected participants, all enrolled in the studies ended (default 2000)
          --rounds R         studies ended one after the other, and as many raw broadcasts (default 3)
        """;

    public int Participants { get; init; } = 2000;

    public int Rounds { get; init; } = 3;

    public static bool TryParse(ReadOnlySpan<string> args, out FanoutOptions options, out string error)
    {
        options = new FanoutOptions();
        if (!NumberOptions.TryApply(args, ref options, static (o, name, number) => name switch
        {
            "--participants" => o with { Participants = number },
            "--rounds" => o with { Rounds = number },
            _ => null,
        }, out error))
        {
            return false;
        }
        if (options.Participants > 20_000 || options.Rounds > 20)
        {
            error = "Out of range: at most 20000 participants and 20 rounds.";
            return false;
        }
        return true;
    }
}
