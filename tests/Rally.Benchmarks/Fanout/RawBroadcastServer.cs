using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rally.Tests.Infrastructure;

namespace Rally.Benchmarks.Fanout;

/// <summary>
/// The baseline: a plain SignalR hub on Kestrel (loopback) whose server sends one message to <c>Clients.All</c>, in
/// a process of its own (<c>Rally.Benchmarks raw-hub</c>) as each Rally front is: the benchmark's clients do not share
/// its thread pool, and 10,000 server-side sockets do not count against the benchmark's own descriptor limit.
/// <c>POST /broadcast</c> with a JSON body sends that body as the hub's <c>notice</c> message and answers once
/// <c>Clients.All.SendAsync</c> has returned, as Rally's operator call is the trigger of its fan-out.
/// </summary>
internal static class RawBroadcastServer
{
    public const string Command = "raw-hub";

    /// <summary>The child process's entry: serves the hub until it is killed; prints its address first.</summary>
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<RawHub>("/raw");
        app.MapPost("/broadcast", async (JsonElement message, IHubContext<RawHub> hub) =>
        {
            await hub.Clients.All.SendAsync("notice", message);
            return Results.NoContent();
        });
        await app.StartAsync();
        Console.WriteLine("listening " + app.Urls.First());
        await app.WaitForShutdownAsync();
        return 0;
    }

    internal sealed class RawHub : Hub;
}

/// <summary>A raw hub process started by the benchmark, killed on dispose.</summary>
internal sealed class RawHubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private RawHubProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, "/raw");

    public int Id => _process.Id;

    public static async Task<RawHubProcess> StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(RawHubProcess).Assembly.Location);
        start.ArgumentList.Add(RawBroadcastServer.Command);
        RallyRepository.RemoveRallySettings(start);
        // The same garbage collector as Rally's fronts (the benchmark itself runs the workstation one).
        foreach (var (name, value) in GcSettingsOfRallyApi())
        {
            start.Environment.TryAdd(name, value);
        }
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal))
            {
                // Keep draining its output so that it never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new RawHubProcess(process, new Uri(line["listening ".Length..]));
            }
        }
        throw new InvalidOperationException("The raw hub process exited before listening.");
    }

    /// <summary>Rally.Api's GC mode (its runtimeconfig.json) as environment variables, which take precedence over the raw hub's own.</summary>
    private static IEnumerable<(string Name, string Value)> GcSettingsOfRallyApi()
    {
        var config = Path.ChangeExtension(RallyRepository.AssemblyPath("Rally.Api"), ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(config));
        var properties = document.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var p) ? p : default;
        // Unstated, each is the runtime's default: workstation, concurrent.
        bool Setting(string name, bool unstated) =>
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value) ? value.GetBoolean() : unstated;
        yield return ("DOTNET_gcServer", Setting("System.GC.Server", unstated: false) ? "1" : "0");
        yield return ("DOTNET_gcConcurrent", Setting("System.GC.Concurrent", unstated: true) ? "1" : "0");
    }

    public async Task BroadcastAsync(JsonElement message)
    {
        using var response = await _http.PostAsJsonAsync("/broadcast", message);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
