using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// A stand-in for an OTLP/HTTP collector on a free loopback port: it answers every export 200 and keeps the request
/// bodies, so tests can see what Rally's telemetry sends out.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _collecting;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OtlpCollector()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _collecting = CollectAsync();
    }

    /// <summary>A collector, listening; the caller disposes it.</summary>
    public static OtlpCollector Start() => new();

    /// <summary>Where exporters send (with <c>Rally:Telemetry:OtlpProtocol</c> <c>HttpProtobuf</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>What the collector received: (path, body decoded as Latin-1 so protobuf strings can be searched).</summary>
    public ConcurrentQueue<(string Path, string Body)> Received { get; } = new();

    /// <summary>The settings that point Rally's telemetry at this collector.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Rally:Telemetry:OtlpEndpoint"] = Endpoint.ToString(),
        ["Rally:Telemetry:OtlpProtocol"] = "HttpProtobuf",
        ["Rally:Telemetry:MetricExportInterval"] = "00:00:00.200",
    };

    private async Task CollectAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
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
                var seen = string.Join("\n", Received.Select(r => $"{r.Path} {r.Body.Length} bytes; rally: {string.Join(",", Regex.Matches(r.Body, "rally[.a-z_]+|Rally[.A-Za-z]+|not-[a-z]+").Select(m => m.Value).Distinct())}"));
                throw new TimeoutException($"No export to {path} containing {string.Join(", ", containing)} within 30 s. Received:\n{seen}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _collecting;
        _stop.Dispose();
    }
}
