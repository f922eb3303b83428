using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// Rally.Api as the embedded default runs it (its own silo in the process), on free ports, exporting
/// telemetry over OTLP/HTTP to a collector stand-in that keeps every request body it receives.
/// </summary>
public sealed class EmbeddedApiFixture : IAsyncLifetime, IDisposable
{
    private readonly HttpListener _collector = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _collecting = Task.CompletedTask;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RallyApiFactory Api { get; private set; } = null!;

    /// <summary>What the collector received: (path, body decoded as Latin-1 so protobuf strings can be searched).</summary>
    public ConcurrentQueue<(string Path, string Body)> Received { get; } = new();

    public Task InitializeAsync()
    {
        var collectorPort = FreePort.Next();
        _collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        _collector.Start();
        _collecting = CollectAsync();
        Api = RallyApiFactory.StartEmbedded(new Dictionary<string, string?>
        {
            ["Rally:Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rally:Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rally:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{collectorPort}/",
            ["Rally:Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["Rally:Telemetry:MetricExportInterval"] = "00:00:00.200",
        });
        return Task.CompletedTask;
    }

    private async Task CollectAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _collector.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.Latin1.GetString(body.ToArray())));
            Interlocked.Exchange(ref _arrived, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    /// <summary>The first export received (or to be received within 30 s) that matches.</summary>
    public async Task<(string Path, string Body)> ExportAsync(string path, params string[] containing)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var arrived = Volatile.Read(ref _arrived).Task;
            var found = Received.FirstOrDefault(r => r.Path == path && containing.All(c => r.Body.Contains(c, StringComparison.Ordinal)));
            if (found.Path is not null)
            {
                return found;
            }
            try
            {
                await arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join("\n", Received.Select(r => $"{r.Path} {r.Body.Length} bytes; rally: {string.Join(",", System.Text.RegularExpressions.Regex.Matches(r.Body, "rally[.a-z_]+|Rally[.A-Za-z]+|not-[a-z]+").Select(m => m.Value).Distinct())}"));
                throw new TimeoutException($"No export to {path} containing {string.Join(", ", containing)} within 30 s. Received:\n{seen}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await _stop.CancelAsync();
        _collector.Close();
        await _collecting;
    }

    public void Dispose()
    {
        _collector.Close();
        _stop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedApiCollection : ICollectionFixture<EmbeddedApiFixture>
{
    public const string Name = "Embedded API";
}
