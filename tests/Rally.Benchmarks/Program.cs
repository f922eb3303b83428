using Rally.Benchmarks;
using Rally.Benchmarks.All;
using Rally.Benchmarks.Delete;
using Rally.Benchmarks.Failover;
using Rally.Benchmarks.Fanout;
using Rally.Benchmarks.Ingest;
using Rally.Benchmarks.Purge;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(AllOptions.Usage);
    Console.WriteLine(BenchmarkOptions.Usage);
    Console.WriteLine(FanoutOptions.Usage);
    Console.WriteLine(DeleteOptions.Usage);
    Console.WriteLine(PurgeOptions.Usage);
    Console.WriteLine(FailoverOptions.Usage);
    return 0;
}
if (args[0] == "all")
{
    if (!AllOptions.TryParse(args.AsSpan(1), out var all, out var allError))
    {
        Console.Error.WriteLine($"{allError}\n{AllOptions.Usage}");
        return 2;
    }
    return await AllBenchmarks.RunAsync(all);
}
if (args[0] == RawBroadcastServer.Command)
{
    // The fan-out benchmark's baseline, started by it as a process of its own.
    return await RawBroadcastServer.RunAsync();
}
if (args[0] == "fanout")
{
    if (!FanoutOptions.TryParse(args.AsSpan(1), out var fanout, out var fanoutError))
    {
        Console.Error.WriteLine($"{fanoutError}\n{FanoutOptions.Usage}");
        return 2;
    }
    return await FanoutBenchmark.RunAsync(fanout);
}
if (args[0] == "delete")
{
    if (!DeleteOptions.TryParse(args.AsSpan(1), out var delete, out var deleteError))
    {
        Console.Error.WriteLine($"{deleteError}\n{DeleteOptions.Usage}");
        return 2;
    }
    return await DeleteBenchmark.RunAsync(delete);
}
if (args[0] == "purge")
{
    if (!PurgeOptions.TryParse(args.AsSpan(1), out var purge, out var purgeError))
    {
        Console.Error.WriteLine($"{purgeError}\n{PurgeOptions.Usage}");
        return 2;
    }
    return await PurgeBenchmark.RunAsync(purge);
}
if (args[0] == "failover")
{
    if (!FailoverOptions.TryParse(args.AsSpan(1), out var failover, out var failoverError))
    {
        Console.Error.WriteLine($"{failoverError}\n{FailoverOptions.Usage}");
        return 2;
    }
    return await FailoverBenchmark.RunAsync(failover);
}
if (args[0] != "ingest")
{
    Console.Error.WriteLine($"Unknown benchmark '{args[0]}'.\n{BenchmarkOptions.Usage}");
    return 2;
}
if (!BenchmarkOptions.TryParse(args.AsSpan(1), out var options, out var error))
{
    Console.Error.WriteLine($"{error}\n{BenchmarkOptions.Usage}");
    return 2;
}
return await IngestBenchmark.RunAsync(options);
