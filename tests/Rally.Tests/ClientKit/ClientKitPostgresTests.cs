using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.ClientKit;

/// <summary>
/// The kit's file queue across Rally stopping and starting again on PostgreSQL (a silo process and a front process):
/// the node test (<c>clients/js/test/restart.test.mjs</c>) stops and starts Rally through a control this test serves
/// on loopback, while its events wait in the queue.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClientKitPostgresTests(PostgresServer server)
{
    [Fact]
    public async Task Events_waiting_in_the_file_queue_while_Rally_restarts_arrive_exactly_once()
    {
        var database = await server.CreateDatabaseAsync();
        await using var rally = new RestartableRally(database);
        await rally.StartAsync();

        await using var control = BuildControl(rally);
        await control.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["RALLY_URL"] = rally.BaseUrl,
            ["RALLY_CONTROL_URL"] = control.Urls.Single().TrimEnd('/'),
        };
        await ClientKitNode.TestAsync(environment, TimeSpan.FromMinutes(4), "test/restart.test.mjs");
    }

    private static WebApplication BuildControl(RestartableRally rally)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/stop", () => Run(rally.StopAsync));
        app.MapPost("/start", () => Run(rally.StartAsync));
        return app;
    }

    /// <summary>What went wrong goes back to the node test, which prints it.</summary>
    private static async Task<IResult> Run(Func<Task> action)
    {
        try
        {
            await action();
            return Results.Ok();
        }
        catch (Exception e)
        {
            return Results.Text(e.ToString(), statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>One silo process and one front process on a database, stopped gracefully and started again, the front always on the same port.</summary>
    private sealed class RestartableRally(string database) : IAsyncDisposable
    {
        private readonly int _port = FreePort.Next();
        private readonly SemaphoreSlim _gate = new(1, 1);
        private RallyProcess? _silo;
        private RallyProcess? _front;

        public string BaseUrl => $"http://127.0.0.1:{_port}";

        public async Task StartAsync()
        {
            await _gate.WaitAsync();
            try
            {
                _silo = RallyProcess.StartSilo(database);
                _front = RallyProcess.StartFront(database, httpPort: _port);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                var front = _front;
                await Eventually.HoldsAsync(() => front.IsReadyAsync(http), "the front to be ready", [_silo, _front]);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task StopAsync()
        {
            await _gate.WaitAsync();
            try
            {
                foreach (var process in new[] { _front, _silo })
                {
                    if (process is null)
                    {
                        continue;
                    }
                    try
                    {
                        // SIGTERM; a front holding the kit's notice connection may wait out its shutdown timeout, so
                        // what has not exited in a few seconds is killed: stopped either way, which is all the test needs.
                        await process.StopAsync(TimeSpan.FromSeconds(5));
                    }
                    catch (OperationCanceledException)
                    {
                        await process.KillAsync();
                    }
                    await process.DisposeAsync();
                }
                _front = _silo = null;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var process in new[] { _front, _silo })
            {
                if (process is not null)
                {
                    await process.DisposeAsync();
                }
            }
        }
    }
}
