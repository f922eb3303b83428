using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rally.Benchmarks.Fanout;

/// <summary>The baseline: a plain SignalR hub on Kestrel (loopback) whose server sends one message to <c>Clients.All</c>.</summary>
internal sealed class RawBroadcastServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RawBroadcastServer(WebApplication app) => _app = app;

    public Uri HubUrl { get; private set; } = null!;

    public static async Task<RawBroadcastServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<RawHub>("/raw");
        await app.StartAsync();
        return new RawBroadcastServer(app) { HubUrl = new Uri(new Uri(app.Urls.First()), "/raw") };
    }

    public Task BroadcastAsync(object message) =>
        _app.Services.GetRequiredService<IHubContext<RawHub>>().Clients.All.SendAsync("notice", message);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class RawHub : Hub;
}
