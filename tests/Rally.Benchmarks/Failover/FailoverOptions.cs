using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Failover;

/// <summary>The knobs of the failover benchmark; the defaults make a run of two to three minutes on 2 cores.</summary>
internal sealed record FailoverOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- failover [options]

          --rounds R         kill rounds: a silo is killed (kill -9) under load, then replaced (default 4)
          --uploaders U      participants uploading one batch after another, each resent until acknowledged (default 8)
          --batch B          events per upload (default 10)
          --silos S          Rally.Silo processes (default 3)
          --settle S         seconds of steady load before each kill, once the cluster is whole again (default 5)
        """;

    /// <summary>The goal: after a kill, every uploader is served again within this.</summary>
    public static readonly TimeSpan Goal = TimeSpan.FromSeconds(3);

    public int Rounds { get; init; } = 4;

    public int Uploaders { get; init; } = 8;

    public int Batch { get; init; } = 10;

    public int Silos { get; init; } = 3;

    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(5);

    public static bool TryParse(ReadOnlySpan<string> args, out FailoverOptions options, out string error)
    {
        options = new FailoverOptions();
        if (!NumberOptions.TryApply(args, ref options, static (o, name, number) => name switch
        {
            "--rounds" => o with { Rounds = number },
            "--uploaders" => o with { Uploaders = number },
            "--batch" => o with { Batch = number },
            "--silos" => o with { Silos = number },
            "--settle" => o with { Settle = TimeSpan.FromSeconds(number) },
            _ => null,
        }, out error))
        {
            return false;
        }
        if (options.Rounds > 50 || options.Uploaders > 500 || options.Batch > 200 || options.Silos is < 2 or > 6 || options.Settle.TotalSeconds > 600)
        {
            error = "Out of range: at most 50 rounds, 500 uploaders, 200 events a batch, 2 to 6 silos and 600 s of settling.";
            return false;
        }
        return true;
    }
}
