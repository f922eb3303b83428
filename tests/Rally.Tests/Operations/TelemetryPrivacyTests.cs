using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Rally.Silo.Hosting;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>
/// P10 in telemetry: with tracing on, what silos and fronts export names no participant, although Orleans tags its
/// spans with grain ids and participants' grains are keyed by the participant's id.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TelemetryPrivacyTests(PostgresServer postgres)
{
    private const string RpcSystem = "rpc.system.name";

    [Fact]
    public async Task Exported_spans_name_no_participant_though_the_grain_calls_are_traced()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var collector = OtlpCollector.Start();
        var siloSettings = TestClusters.OnPostgres(database, collector.Settings());
        var siloConfiguration = new ConfigurationBuilder().AddInMemoryCollection(siloSettings).Build();
        var siloSpans = new List<Activity>();
        var frontSpans = new List<Activity>();
        string[] personal;

        // The silo's pipeline as Rally.Silo builds it, the front's as Rally.Api does; each also exports to memory.
        var cluster = await TestClusters.StartAsync(1, siloSettings, b =>
        {
            b.Options.ServiceId = "rally-telemetry-privacy";
            b.ConfigureSilo((_, silo) =>
            {
                silo.AddActivityPropagation();
                silo.Services.AddRallyTelemetry(siloConfiguration, "rally-silo");
                silo.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(siloSpans));
            });
            b.ConfigureClient(client => client.AddActivityPropagation());
        });
        try
        {
            await using var front = RallyApiFactory.Start(cluster, collector.Settings(),
                services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(frontSpans)));
            using var study = await IngestionScenario.StartAsync(new RallyApi(front));
            await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
            var stored = await study.ExportWhenStoredAsync(2);
            await (await study.Participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
            var id = study.Participant.Id;
            personal = [id.ToString("D"), id.ToString("N"), study.Participant.Token, (string)stored[0]["participant"]!];
        }
        finally
        {
            // Stopping the hosts ends every span and flushes the exporters.
            await cluster.DisposeAsync();
            await postgres.CloseConnectionsAsync(database);
        }

        foreach (var spans in new[] { siloSpans, frontSpans })
        {
            var rpc = spans.Where(s => s.GetTagItem(RpcSystem) as string == "orleans").ToList();
            Assert.Contains(rpc, s => s.DisplayName.Contains("IParticipantGrain/", StringComparison.Ordinal));
            Assert.Contains(rpc, s => s.DisplayName.Contains("INoticeInboxGrain/", StringComparison.Ordinal));
            Assert.DoesNotContain(spans, s => s.GetTagItem("orleans.rpc.target_id") is not null || s.GetTagItem("orleans.rpc.source_id") is not null);
            var leaks = spans.SelectMany(s => Texts(s).Where(text => personal.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)))
                .Select(text => $"{s.Source.Name} {s.DisplayName}: {text}")).ToList();
            Assert.True(leaks.Count == 0, "Spans name the participant:\n" + string.Join("\n", leaks));
        }
        // And on the wire: the OTLP exports carried the grain calls, and nothing personal.
        Assert.Contains(collector.Received, r => r.Path == "/v1/traces" && r.Body.Contains("IParticipantGrain/", StringComparison.Ordinal));
        Assert.DoesNotContain(collector.Received, r => personal.Any(p => r.Body.Contains(p, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Every text a span carries: its names, status, tags, events, links and baggage.</summary>
    private static IEnumerable<string> Texts(Activity span)
    {
        yield return span.DisplayName;
        yield return span.OperationName;
        yield return span.StatusDescription ?? "";
        yield return span.TraceStateString ?? "";
        foreach (var text in Tags(span.TagObjects))
        {
            yield return text;
        }
        foreach (var e in span.Events)
        {
            yield return e.Name;
            foreach (var text in Tags(e.Tags))
            {
                yield return text;
            }
        }
        foreach (var link in span.Links)
        {
            foreach (var text in Tags(link.Tags ?? []))
            {
                yield return text;
            }
        }
        foreach (var (key, value) in span.Baggage)
        {
            yield return $"{key}={value}";
        }
    }

    private static IEnumerable<string> Tags(IEnumerable<KeyValuePair<string, object?>> tags) =>
        tags.Select(t => $"{t.Key}={Text(t.Value)}");

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        IEnumerable many => string.Join(",", many.Cast<object?>().Select(Text)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
