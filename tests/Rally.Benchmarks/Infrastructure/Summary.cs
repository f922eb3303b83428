using System.Text.Json;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>
/// Where a benchmark hands its summary rows over at the end of its run: it prints them, and when it runs under
/// <c>all</c> (which names a file in <see cref="ResultFileVariable"/>) writes them there for the combined table.
/// </summary>
internal static class Summary
{
    /// <summary>The environment variable through which <c>all</c> asks a benchmark's process for its result, as JSON.</summary>
    public const string ResultFileVariable = "RALLY_BENCH_RESULT_FILE";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Prints the benchmark's rows against issue 17's goals, and passes them on to <c>all</c> if it asked.</summary>
    public static void Emit(BenchmarkResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"Summary rows ({result.Benchmark}: {result.Sizes}; goals are judged at the defaults only)");
        Console.Write(SummaryTable.Text(SummaryTable.Lines(result, judged: true)));
        if (Environment.GetEnvironmentVariable(ResultFileVariable) is { Length: > 0 } path)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(result, Json));
        }
    }

    /// <summary>A result written by <see cref="Emit"/>, or null if there is none (the benchmark failed before its end).</summary>
    public static BenchmarkResult? Read(string path) =>
        File.Exists(path) && new FileInfo(path).Length > 0 ? JsonSerializer.Deserialize<BenchmarkResult>(File.ReadAllText(path), Json) : null;
}
