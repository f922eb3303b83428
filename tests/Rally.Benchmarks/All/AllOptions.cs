namespace Rally.Benchmarks.All;

/// <summary>The knobs of <c>all</c>: which benchmarks, at which sizes, and where the summary goes.</summary>
internal sealed record AllOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- all [options]

          Runs every benchmark at its defaults, one after another, each in a process of its own (about 25 minutes on
          2 cores), then prints one table of issue 17's goals and writes it as Markdown. A benchmark that fails is
          recorded as failed and the next one runs; the exit code is 0 only if every benchmark ran to its end and
          every check (exactly once, …) held. Goals met or missed do not change the exit code.

          --quick              small sizes for each benchmark (a few minutes in all), to try the mechanism: goals
                               show "(met)"/"(missed)" and are not judged; checks still count
          --only A,B           only these benchmarks (ingest, failover, fanout, delete, purge); the others' rows say "not run"
          --runs N             run each benchmark N times (1–9) and judge each figure by its median run (default: 3 for
                               ingest, a single measurement; 1 for the others, which judge their own rounds; 1 with --quick)
          --<name> "options"   more options for one benchmark, after --quick's, e.g. --fanout "--participants 5000";
                               its goals are then not judged (not at the defaults)
          --set Key=Value      configuration for every Rally process of every benchmark (repeatable)
          --summary-out PATH   the Markdown file to write (default: summaries/summary-<UTC time>.md beside the program)
          --timeout-minutes M  a benchmark still running after M minutes is stopped and recorded as failed (default 60)
        """;

    public bool Quick { get; init; }

    /// <summary>The benchmarks to run; null for all of them.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary>More options per benchmark, by name.</summary>
    public IReadOnlyDictionary<string, string[]> Extra { get; init; } = new Dictionary<string, string[]>();

    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];

    public string? SummaryOut { get; init; }

    /// <summary>Runs of every benchmark; null for each one's own count (<see cref="BenchmarkEntry.Runs"/>).</summary>
    public int? Runs { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(60);

    public static bool TryParse(ReadOnlySpan<string> args, out AllOptions options, out string error)
    {
        options = new AllOptions();
        var extra = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var settings = new List<KeyValuePair<string, string>>();
        var names = AllBenchmarks.Registry.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--quick")
            {
                options = options with { Quick = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--only":
                    var only = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                    if (only.FirstOrDefault(n => !names.Contains(n)) is { } unknown)
                    {
                        error = $"--only: no benchmark '{unknown}' (there are {string.Join(", ", names)}).";
                        return false;
                    }
                    options = options with { Only = only };
                    break;
                case "--set":
                    var equals = value.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        error = "--set takes Key=Value.";
                        return false;
                    }
                    settings.Add(new(value[..equals], value[(equals + 1)..]));
                    break;
                case "--runs":
                    if (!int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var runs) || runs is < 1 or > 9)
                    {
                        error = "--runs takes a whole number, 1 to 9.";
                        return false;
                    }
                    options = options with { Runs = runs };
                    break;
                case "--summary-out":
                    options = options with { SummaryOut = value };
                    break;
                case "--timeout-minutes":
                    if (!int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var minutes) || minutes is < 1 or > 24 * 60)
                    {
                        error = "--timeout-minutes takes a whole number of minutes, 1 to 1440.";
                        return false;
                    }
                    options = options with { Timeout = TimeSpan.FromMinutes(minutes) };
                    break;
                case var _ when name.StartsWith("--", StringComparison.Ordinal) && names.Contains(name[2..]):
                    extra[name[2..]] = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    break;
                default:
                    error = $"Unknown option {name}.";
                    return false;
            }
        }
        options = options with { Extra = extra, Settings = settings };
        return true;
    }
}
