using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Rally.Api.Authentication;
using Rally.Silo.Hosting;

namespace Rally.Api.Hosting;

/// <summary>Tells whoever started the process where it listens, whether data is durable, and (once) a generated operator key.</summary>
internal sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    OrleansMode mode,
    RallyStorage storage,
    IOptions<OperatorOptions> operatorOptions) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.FirstOrDefault() ?? "(no address)";
        var lines = new List<string> { $"Rally API listening on {string.Join(", ", addresses)}" };
        lines.Add(mode switch
        {
            OrleansMode.Embedded when !storage.IsPostgres =>
                "Embedded mode: one co-hosted silo with in-memory storage. Data is NOT durable: it is lost when this process stops.\n" +
                "  To keep data, point Rally at PostgreSQL: set ConnectionStrings__Rally=\"Host=...;Port=5432;Database=rally;Username=...;Password=...\" (see README.md).",
            OrleansMode.Embedded => "Embedded mode: one co-hosted silo, state in PostgreSQL.",
            OrleansMode.Client => "Client mode: an API front for the Rally.Silo processes found through PostgreSQL.",
            _ => "External mode: the host supplies the Orleans client.",
        });
        if (operatorOptions.Value.Generated)
        {
            lines.Add($"Operator key (generated for this run only; set Rally__OperatorKey to choose one): {operatorOptions.Value.OperatorKey}");
        }
        lines.Add($"API reference: {first.TrimEnd('/')}/scalar/v1 · OpenAPI: {first.TrimEnd('/')}/openapi/v1.json");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
